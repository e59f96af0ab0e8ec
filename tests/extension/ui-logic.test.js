import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITED_TITLE, NOT_PROTECTED_TITLE, badgeFor } from '../../extension/src/background/badge.js';
import { isImeComposing, isSubmitKey } from '../../extension/src/content/submit-keys.js';
import { ENTER, MOD_ENTER } from '../../extension/src/content/platforms/define-adapter.js';
import { chooseBannerPlacement } from '../../extension/src/content/ui/placement.js';

const key = (k, mods = {}) => ({ key: k, keyCode: 13, ...mods });

test('Ctrl/Cmd+Enter submits where the adapter says so; plain Enter does not', () => {
  assert.ok(isSubmitKey(key('Enter', { ctrlKey: true }), MOD_ENTER));
  assert.ok(isSubmitKey(key('Enter', { metaKey: true }), MOD_ENTER));
  assert.ok(!isSubmitKey(key('Enter'), MOD_ENTER));
  assert.ok(!isSubmitKey(key('Enter', { ctrlKey: true, shiftKey: true }), MOD_ENTER));
});

test('plain Enter submits on Enter sites; Shift+Enter is a new line', () => {
  assert.ok(isSubmitKey(key('Enter'), ENTER));
  assert.ok(!isSubmitKey(key('Enter', { shiftKey: true }), ENTER));
  assert.ok(!isSubmitKey(key('a'), ENTER));
});

test('Enter that confirms an input-method composition is never a submit', () => {
  for (const e of [key('Enter', { isComposing: true }), { key: 'Enter', keyCode: 229 }, { key: 'Process', keyCode: 13 }]) {
    assert.ok(isImeComposing(e));
    assert.ok(!isSubmitKey(e, ENTER));
  }
});

const overlaps = (a, size, b) =>
  a.left < b.right && a.left + size.width > b.left && a.top < b.bottom && a.top + size.height > b.top;

test('banner goes below the editor when nothing is in the way', () => {
  const editor = { left: 100, top: 100, right: 600, bottom: 200 };
  const pos = chooseBannerPlacement({ editor, size: { width: 300, height: 150 }, viewport: { width: 1280, height: 720 } });
  assert.deepEqual(pos, { left: 100, top: 208 });
});

test('banner never covers the Post button or the editor', () => {
  const editor = { left: 345, top: 95, right: 935, bottom: 183 };
  const post = { left: 336, top: 210, right: 401, bottom: 237 };
  const size = { width: 360, height: 205 };
  const pos = chooseBannerPlacement({ editor, avoid: [post], size, viewport: { width: 1280, height: 720 } });
  assert.ok(!overlaps(pos, size, post));
  assert.ok(!overlaps(pos, size, editor));
  assert.ok(pos.left >= 0 && pos.left + size.width <= 1280 && pos.top + size.height <= 720);
});

test('when space is short, the Post button still stays free', () => {
  const editor = { left: 0, top: 0, right: 800, bottom: 560 };
  const post = { left: 700, top: 570, right: 790, bottom: 600 };
  const size = { width: 360, height: 200 };
  const pos = chooseBannerPlacement({ editor, avoid: [post], size, viewport: { width: 800, height: 600 } });
  assert.ok(!overlaps(pos, size, post));
});

test('badge: not protected beats limited, limited beats protected', () => {
  assert.deepEqual(badgeFor({ connection: 'offline', site: { state: 'not-protected' } }).title, NOT_PROTECTED_TITLE);
  const limited = badgeFor({ connection: 'offline', site: { state: 'protected', platform: 'x' } });
  assert.equal(limited.text, 'LIM');
  assert.equal(limited.title, LIMITED_TITLE);
  assert.ok(LIMITED_TITLE.includes('limited protection'));
  assert.equal(badgeFor({ connection: 'unpaired' }).text, 'LIM');
  const ok = badgeFor({ connection: 'connected', site: { state: 'protected', platform: 'x' } });
  assert.equal(ok.text, '');
  assert.ok(ok.title.includes('(x)'));
});
