// The manifest's promises: MV3, pinned id, narrow host access, document_start
// loader, a managed-policy schema that matches the settings the code reads.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../extension/src/shared/settings.js';
import { SITE_ADAPTERS } from '../../extension/src/content/platforms/index.js';

const ROOT = new URL('../../extension/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', ROOT), 'utf8'));

test('the key gives the extension id the service pins', () => {
  const der = Buffer.from(manifest.key, 'base64');
  const hex = createHash('sha256').update(der).digest('hex').slice(0, 32);
  const id = [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
  assert.equal(id, 'bdjldkhffmlmhngiojpjiponmegeadcm');
  assert.equal(manifest.key, readFileSync(new URL('.manifest-key.b64', ROOT), 'utf8').trim());
});

test('MV3 with a module service worker; every referenced file exists', () => {
  assert.equal(manifest.manifest_version, 3);
  assert.equal(manifest.background.type, 'module');
  const files = [
    manifest.background.service_worker,
    manifest.action.default_popup,
    manifest.options_ui.page,
    manifest.storage.managed_schema,
    ...manifest.content_scripts.flatMap((c) => c.js),
  ];
  for (const file of files) assert.ok(existsSync(new URL(file, ROOT)), file);
});

test('host access is narrow: the loopback service (127.0.0.1 only) plus the supported sites', () => {
  const hosts = manifest.host_permissions;
  assert.ok(hosts.includes('http://127.0.0.1/*'));
  // localhost is rewritten to 127.0.0.1: a name could reach [::1], where an impostor may listen.
  assert.ok(!hosts.some((h) => h.includes('localhost') || h.includes('[::1]')));
  for (const broad of ['<all_urls>', '*://*/*', 'https://*/*', 'http://*/*']) {
    assert.ok(!hosts.includes(broad), broad);
  }
  const sites = manifest.content_scripts[0].matches;
  for (const pattern of sites) assert.ok(hosts.includes(pattern), pattern);
  assert.ok(sites.every((p) => p.startsWith('https://')));
});

test('the loader runs at document_start and may import the content modules, not the engine', () => {
  const [cs] = manifest.content_scripts;
  assert.equal(cs.run_at, 'document_start');
  assert.deepEqual(cs.js, ['src/content/loader.js']);
  const war = manifest.web_accessible_resources.flatMap((w) => w.resources);
  for (const dir of ['src/content/*', 'src/shared/*']) assert.ok(war.includes(dir), dir);
  assert.ok(!war.some((r) => r.startsWith('src/engine') || r.startsWith('src/offscreen')), war.join());
});

test('the offline engine has its Worker host: an offscreen document on Chromium', () => {
  assert.ok(manifest.permissions.includes('offscreen'));
  for (const file of ['src/offscreen/offscreen.html', 'src/offscreen/offscreen.js', 'src/engine-host/engine-worker.js']) {
    assert.ok(existsSync(new URL(file, ROOT)), file);
  }
  const html = readFileSync(new URL('src/offscreen/offscreen.html', ROOT), 'utf8');
  assert.match(html, /<script type="module" src="offscreen.js"><\/script>/);
});

test('every supported site adapter has its origins in both host lists (scripts/sites.mjs)', () => {
  const matches = manifest.content_scripts[0].matches;
  for (const adapter of SITE_ADAPTERS) {
    assert.ok(adapter.origins.length, adapter.id);
    for (const origin of adapter.origins) {
      assert.ok(matches.includes(origin), `${adapter.id}: ${origin}`);
      assert.ok(manifest.host_permissions.includes(origin), `${adapter.id}: ${origin}`);
    }
  }
  assert.deepEqual(matches, SITE_ADAPTERS.flatMap((a) => a.origins), 'nothing but the adapters\' origins');
});

test('managed schema: exactly the admin settings the code understands', () => {
  const schema = JSON.parse(readFileSync(new URL(manifest.storage.managed_schema, ROOT), 'utf8'));
  const keys = Object.keys(schema.properties);
  for (const key of keys) assert.ok(key in DEFAULT_SETTINGS, key);
  for (const key of ['serviceUrl', 'token', 'failPolicy', 'enabledSites', 'mastodonInstances']) {
    assert.ok(keys.includes(key), key);
  }
  assert.deepEqual(schema.properties.failPolicy.enum, ['open', 'closed']);
});
