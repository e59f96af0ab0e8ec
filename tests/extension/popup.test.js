// The popup names what it cannot guard on this tab (kind and origin of the box),
// so "not protected here" says where.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createChromeStub } from './helpers/chrome-stub.js';
import { installDom, sleep } from './helpers/dom.js';

const html = readFileSync(new URL('../../extension/src/popup/popup.html', import.meta.url), 'utf8');

async function renderPopup(site) {
  installDom(html, 'chrome-extension://bdjldkhffmlmhngiojpjiponmegeadcm/src/popup/popup.html');
  const chrome = createChromeStub();
  chrome.runtime.sendMessage = async (msg) => (msg.type === 'status'
    ? { connection: 'connected', rulesVersion: 'r1', site }
    : {});
  globalThis.chrome = chrome;
  await import(`../../extension/src/popup/popup.js?${Math.random()}`);
  await sleep(20);
  return document.getElementById('site');
}

test('not protected: the popup names each box it could not guard', async () => {
  const site = await renderPopup({
    state: 'not-protected',
    platform: 'other',
    boxes: ['editor frame from http://localhost:9000', 'editor <div>'],
  });
  assert.match(site.textContent, /^Not protected here/);
  assert.match(site.textContent, /editor frame from http:\/\/localhost:9000; editor <div>/);
  assert.equal(site.className, 'bad');
});

test('protected: the popup names the platform, no boxes', async () => {
  const site = await renderPopup({ state: 'protected', platform: 'x', boxes: [] });
  assert.equal(site.textContent, 'Protected (x)');
});
