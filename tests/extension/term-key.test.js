// The hashed terms' key reaches the offline engine from the service, is held in
// session storage (memory) only, never beside the bundle in local storage, and
// only when it is the key the bundle names.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { createRulesStore } from '../../extension/src/background/rules-store.js';
import { installChrome } from './helpers/chrome-stub.js';

let chrome;
beforeEach(() => {
  chrome = installChrome({ granted: ['http://127.0.0.1/*'] });
});

const KEY_ID = '0123456789abcdef';
const hashedBundle = { version: 's1', rules: [], hashed_terms: { key_id: KEY_ID } };
const fetchImpl = async () => new Response('', { status: 404 });

test('the key the bundle names is fetched into session storage and given to the engine', async () => {
  let asked = 0;
  const client = {
    fetchBundle: async () => ({ status: 200, etag: '"e1"', json: hashedBundle }),
    fetchTermKey: async () => (asked += 1, { key_id: KEY_ID, key: 'a2V5' }),
  };
  const store = createRulesStore({ client, fetchImpl });
  await store.sync({});
  const inputs = await store.offlineInputs();
  assert.deepEqual(inputs.termKeys, { [KEY_ID]: 'a2V5' });
  assert.ok(inputs.key.endsWith(KEY_ID), 'a new key reloads the engine');
  await store.sync({});
  assert.equal(asked, 1, 'a key held is not fetched again');
  const local = JSON.stringify(await chrome.storage.local.get(null));
  assert.ok(local.includes(KEY_ID), 'the bundle is in local storage');
  assert.ok(!local.includes('a2V5'), 'the key is never stored beside the bundle');
});

test('no key, or a key for another list, leaves the engine without one', async () => {
  for (const answer of [null, { key_id: 'ffffffffffffffff', key: 'a2V5' }]) {
    chrome = installChrome({ granted: ['http://127.0.0.1/*'] });
    const client = {
      fetchBundle: async () => ({ status: 200, etag: '"e1"', json: hashedBundle }),
      fetchTermKey: async () => {
        if (answer === null) throw Object.assign(new Error('no key'), { kind: 'rejected', status: 404 });
        return answer;
      },
    };
    const store = createRulesStore({ client, fetchImpl });
    await store.sync({});
    assert.equal((await store.offlineInputs()).termKeys, null);
  }
});
