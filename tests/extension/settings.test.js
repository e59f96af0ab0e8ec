import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_SETTINGS, hostMatches, mergeSettings, normalizeHost, normalizeServiceUrl, validateUserSettings,
} from '../../extension/src/shared/settings.js';

test('only loopback http URLs are accepted for the service', () => {
  assert.equal(normalizeServiceUrl('http://127.0.0.1:17653/'), 'http://127.0.0.1:17653');
  // localhost is asked as 127.0.0.1, where the service listens: never [::1].
  assert.equal(normalizeServiceUrl(' http://localhost:9000 '), 'http://127.0.0.1:9000');
  assert.equal(normalizeServiceUrl('http://LOCALHOST:9000/x'), 'http://127.0.0.1:9000');
  for (const bad of ['https://127.0.0.1:1', 'http://evil.example:17653', 'http://127.0.0.1.nip.io',
    'http://user:pw@127.0.0.1:1', 'http://0.0.0.0:17653', 'javascript:alert(1)', '', 42]) {
    assert.equal(normalizeServiceUrl(bad), null, String(bad));
  }
});

test('host names are normalised and junk is refused', () => {
  assert.equal(normalizeHost('HTTPS://Social.Example.org/home'), 'social.example.org');
  assert.equal(normalizeHost('*.corp.example'), '*.corp.example');
  assert.equal(normalizeHost('bad host'), null);
  assert.equal(normalizeHost('<script>'), null);
});

test('admin policy beats user options and locks its keys', () => {
  const { settings, locked, invalid } = mergeSettings({
    local: { serviceUrl: 'http://127.0.0.1:1111', token: 'user', failPolicy: 'open', debounceMs: 500 },
    managed: { token: 'admin', failPolicy: 'closed' },
  });
  assert.equal(settings.serviceUrl, 'http://127.0.0.1:1111');
  assert.equal(settings.token, 'admin');
  assert.equal(settings.failPolicy, 'closed');
  assert.equal(settings.debounceMs, 500);
  assert.deepEqual(locked.sort(), ['failPolicy', 'token']);
  assert.deepEqual(invalid, []);
});

test('invalid stored values fall back to the layer below and are reported', () => {
  const { settings, invalid, locked } = mergeSettings({
    local: { failPolicy: 'sometimes', enabledSites: ['ok.example', 'not ok'] },
    managed: { serviceUrl: 'https://remote.example' },
  });
  assert.equal(settings.failPolicy, DEFAULT_SETTINGS.failPolicy);
  assert.deepEqual(settings.enabledSites, []);
  assert.equal(settings.serviceUrl, DEFAULT_SETTINGS.serviceUrl);
  assert.deepEqual(locked, []);
  assert.deepEqual(invalid.sort(), ['local.enabledSites', 'local.failPolicy', 'managed.serviceUrl']);
});

test('user input is validated key by key; unknown keys are ignored', () => {
  const { values, errors } = validateUserSettings({ debounceMs: 10, token: 'abc', extra: 1 });
  assert.deepEqual(values, { token: 'abc' });
  assert.deepEqual(errors, { debounceMs: 'invalid' });
});

test('host patterns with a wildcard cover the domain and its subdomains', () => {
  assert.ok(hostMatches('a.corp.example', ['*.corp.example']));
  assert.ok(hostMatches('corp.example', ['*.corp.example']));
  assert.ok(!hostMatches('evilcorp.example', ['*.corp.example']));
  assert.ok(hostMatches('intranet.example', ['intranet.example']));
});

test('device groups: managed policy only, short names, at most 20', () => {
  assert.deepEqual(mergeSettings({ managed: { groups: [' finance ', 'legal', 'finance'] } }).settings.groups, ['finance', 'legal']);
  assert.deepEqual(mergeSettings({ local: { groups: ['finance'] } }).settings.groups, []);
  const tooMany = mergeSettings({ managed: { groups: Array.from({ length: 21 }, (_, i) => `g${i}`) } });
  assert.deepEqual(tooMany.settings.groups, []);
  assert.ok(tooMany.invalid.includes('managed.groups'));
  assert.ok(mergeSettings({ managed: { groups: ['', 'x'] } }).invalid.includes('managed.groups'));
  assert.deepEqual(validateUserSettings({ groups: ['finance'] }).values, {});
  assert.deepEqual(DEFAULT_SETTINGS.groups, []);
});
