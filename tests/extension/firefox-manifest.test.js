// The Firefox build (scripts/build-firefox.mjs): generated from the Chromium
// manifest, it keeps the same sites, scripts and permissions, minus what Firefox
// lacks, and any new Chromium key must be sorted before the build runs.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import {
  GECKO,
  buildFirefox,
  checkFirefoxManifest,
  firefoxManifest,
  readChromiumManifest,
} from '../../scripts/build-firefox.mjs';

const chromium = readChromiumManifest();
const firefox = firefoxManifest(chromium);

test('the generated manifest agrees with the Chromium one', () => {
  assert.deepEqual(checkFirefoxManifest(chromium, firefox), []);
  assert.deepEqual(firefox.content_scripts, chromium.content_scripts);
  assert.deepEqual(firefox.host_permissions, chromium.host_permissions);
});

test('Firefox gets an event page, its own id and no Chromium-only keys', () => {
  assert.deepEqual(firefox.background, { scripts: [chromium.background.service_worker], type: 'module' });
  assert.deepEqual(firefox.browser_specific_settings, { gecko: GECKO });
  for (const key of ['key', 'minimum_chrome_version', 'storage']) assert.ok(!(key in firefox), key);
  assert.ok(!firefox.permissions.includes('offscreen'));
});

test('the Chromium manifest stays Chromium-only', () => {
  assert.ok(!('browser_specific_settings' in chromium));
  assert.ok(!('scripts' in chromium.background));
});

test('a new Chromium key fails the check until it is sorted', () => {
  const grown = { ...chromium, side_panel: { default_path: 'x.html' } };
  assert.deepEqual(checkFirefoxManifest(grown, firefoxManifest(grown)), ['unsorted Chromium manifest key: side_panel']);
});

test('a drifted permission list is caught', () => {
  const drifted = { ...firefox, permissions: [...firefox.permissions, 'tabs'] };
  assert.deepEqual(checkFirefoxManifest(chromium, drifted), ['permissions differ']);
});

test('the build copies the extension without Chromium-only files', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'pg-firefox-')), 'ext');
  try {
    buildFirefox(out);
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')), firefox);
    for (const file of ['src/background/service-worker.js', 'src/engine-host/engine-worker.js', 'rules/ruleset.json']) {
      assert.ok(existsSync(join(out, file)), file);
    }
    for (const file of ['src/offscreen', '.manifest-key.b64', 'README.md']) assert.ok(!existsSync(join(out, file)), file);
  } finally {
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
});
