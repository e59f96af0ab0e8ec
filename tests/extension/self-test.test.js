// The self-test's judgement of frames it cannot enter, and what it may say about
// a box (kind and origin, never text); composedParent crossing a frame.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installDom } from './helpers/dom.js';

installDom('<!doctype html><html><body></body></html>', 'http://127.0.0.1:8000/page.html');
const { describeBox, looksLikeEditorFrame } = await import('../../extension/src/content/self-test.js');
const { composedContains, composedParent, frameOf } = await import('../../extension/src/content/dom.js');

function frame(attrs, { width = 600, height = 160, inForm = false } = {}) {
  document.body.innerHTML = inForm ? '<form></form>' : '';
  const el = document.createElement('iframe');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.getBoundingClientRect = () => ({ width, height, left: 0, top: 0, right: width, bottom: height });
  (document.querySelector('form') ?? document.body).append(el);
  return el;
}

test('an editor frame says so by its name, title or label, or sits in a form', () => {
  assert.ok(looksLikeEditorFrame(frame({ title: 'Rich Text Area' })));
  assert.ok(looksLikeEditorFrame(frame({ id: 'comment-box' })));
  assert.ok(looksLikeEditorFrame(frame({ src: 'https://widget.example/' }, { inForm: true })));
  assert.ok(!looksLikeEditorFrame(frame({ title: 'YouTube video player' })));
  assert.ok(!looksLikeEditorFrame(frame({ title: 'Message editor' }, { width: 40, height: 20 })));
});

test('a box is described by its kind and origin only', () => {
  assert.equal(describeBox(frame({ src: 'http://localhost:9000/editor?draft=secret' })), 'editor frame from http://localhost:9000');
  document.body.innerHTML = '<textarea>4111 1111 1111 1111</textarea><div contenteditable="true">x</div>';
  assert.equal(describeBox(document.querySelector('textarea')), 'text box');
  assert.equal(describeBox(document.querySelector('div')), 'editor <div>');
});

test('composedParent goes from a same-origin frame\'s root to its <iframe>', async () => {
  document.body.innerHTML = '<div id="box"><iframe></iframe></div>';
  const el = document.querySelector('iframe');
  await new Promise((r) => setTimeout(r, 10));
  const inner = el.contentDocument;
  inner.body.innerHTML = '<div contenteditable="true">x</div>';
  assert.equal(frameOf(inner), el);
  assert.equal(composedParent(inner.documentElement), el);
  assert.ok(composedContains(document.getElementById('box'), inner.querySelector('div')));
});
