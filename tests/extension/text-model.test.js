import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installDom } from './helpers/dom.js';

installDom();
const { rangeFor, readModel, textOffset } = await import('../../extension/src/content/editors/text-model.js');
const { detectEditor, editableRoot } = await import('../../extension/src/content/editors/detect.js');

function editor(html) {
  document.body.innerHTML = `<div id="ed" contenteditable="true">${html}</div>`;
  return document.getElementById('ed');
}

test('paragraphs and <br> become newlines; NBSP becomes a space', () => {
  const el = editor('<p>card\u00a04111</p><p><br></p><p>end<br>line</p>');
  assert.equal(readModel(el).text, 'card 4111\n\nend\nline');
});

test('Draft.js-style nesting reads as one line per block', () => {
  const el = editor('<div data-contents="true"><div data-block="true"><div><span><span data-text="true">a</span></span></div></div>'
    + '<div data-block="true"><div><span><span data-text="true">b</span></span></div></div></div>');
  assert.equal(readModel(el).text, 'a\nb');
  assert.equal(detectEditor(el), 'draft');
});

test('text offsets map back to the text nodes, across nodes', () => {
  const el = editor('<p>card <b>4111</b> 1111</p><p>x</p>');
  const model = readModel(el);
  const range = rangeFor(model, 5, 14);
  assert.equal(range.toString(), '4111 1111');
  assert.equal(range.startContainer.data, '4111');
  assert.equal(rangeFor(model, 15, 16).toString(), 'x');
});

test('a DOM caret position converts to a text offset', () => {
  const el = editor('<p>ab</p><p>cd</p>');
  const model = readModel(el);
  const cd = el.querySelectorAll('p')[1].firstChild;
  assert.equal(textOffset(model, cd, 1), 4);
  assert.equal(textOffset(model, el.querySelectorAll('p')[1], 0), 3);
});

test('the editing host is the outermost contenteditable; textareas are their own', () => {
  const el = editor('<p><span id="inner">x</span></p>');
  assert.equal(editableRoot(document.getElementById('inner').firstChild), el);
  document.body.insertAdjacentHTML('beforeend', '<textarea id="t"></textarea><textarea id="ro" readonly></textarea><p id="plain">x</p>');
  assert.equal(editableRoot(document.getElementById('t')).id, 't');
  assert.equal(editableRoot(document.getElementById('ro')), null);
  assert.equal(editableRoot(document.getElementById('plain')), null);
});

test('editor engines are recognised by their markers', () => {
  const cases = [
    ['<div contenteditable="true" data-lexical-editor="true"></div>', 'lexical'],
    ['<div contenteditable="true" data-slate-editor="true"></div>', 'slate'],
    ['<div class="ql-editor" contenteditable="true"></div>', 'quill'],
    ['<div class="ProseMirror" contenteditable="true"></div>', 'prosemirror'],
    ['<div contenteditable="true"></div>', 'contenteditable'],
    ['<textarea></textarea>', 'textarea'],
  ];
  for (const [html, kind] of cases) {
    document.body.innerHTML = html;
    assert.equal(detectEditor(document.body.firstElementChild), kind, html);
  }
});

test('a block editor reads as one draft, one line per editable block, toolbars left out', async () => {
  const { composerRoot, isBlockRoot } = await import('../../extension/src/content/editors/detect.js');
  const { editingHostAt } = await import('../../extension/src/content/editors/text-model.js');
  document.body.innerHTML = '<div id="holder"><div class="codex-editor">'
    + '<div class="ce-block"><div class="ce-paragraph" contenteditable="true">card 4111</div></div>'
    + '<div class="ce-toolbar"><span>Text</span><span>Heading</span></div>'
    + '<div class="ce-block"><div class="ce-paragraph" contenteditable="true"></div></div>'
    + '<div class="ce-block"><h2 class="ce-header" contenteditable="true">clean <b>end</b></h2></div>'
    + '</div></div>';
  const [first, , third] = document.querySelectorAll('[contenteditable]');
  const root = composerRoot(editableRoot(third.querySelector('b').firstChild));
  assert.ok(isBlockRoot(root));
  assert.equal(composerRoot(first), root);
  const model = readModel(root);
  assert.equal(model.text, 'card 4111\n\nclean end');
  assert.equal(rangeFor(model, 5, 9).toString(), '4111');
  assert.equal(editingHostAt(model, 5), first);
  assert.equal(editingHostAt(model, 12), third);
  // A single editor is its own root.
  const el = editor('<p>x</p>');
  assert.equal(composerRoot(el), el);
  assert.equal(editingHostAt(readModel(el), 0), el);
});
