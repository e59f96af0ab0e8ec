// "Mask": replace a span through the editor's own input path, so the site's state
// (React, Draft.js, Lexical, Quill, ProseMirror, Slate) sees the change and the
// editor's undo works. Setting .value or editing DOM nodes would bypass both.
// Each path is verified by re-reading the text; the first that works wins.
import { editingHostAt, rangeFor, readModel } from './text-model.js';
import { realmOf } from '../dom.js';
import { selectSpan, selectionSettled } from './selection.js';

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
const EVENT_BASE = { bubbles: true, cancelable: true, composed: true };

// Events and ranges are made in the editor's own window (an iframe editor's
// realm is not ours), so the editor sees them as its own kind.
function transferOf(el, text) {
  const data = new (realmOf(el).DataTransfer)();
  data.setData('text/plain', text);
  return data;
}

// Lexical, Quill 2 and Slate handle a beforeinput that names its target range
// themselves (and cancel it); editors that ignore it leave it uncancelled.
function dispatchBeforeInput(el, text, range, dataTransfer) {
  const { InputEvent, StaticRange } = realmOf(el);
  const event = new InputEvent('beforeinput', {
    ...EVENT_BASE,
    inputType: 'insertReplacementText',
    data: text,
    ...(dataTransfer ? { dataTransfer } : {}),
    targetRanges: range ? [new StaticRange(range)] : [],
  });
  el.dispatchEvent(event);
  return event.defaultPrevented;
}

const viaBeforeInput = (el, text, range) => dispatchBeforeInput(el, text, range, transferOf(el, text));

// Firefox: the page cannot read a DataTransfer that a content script filled
// (another principal), so editors that prefer it (Lexical, Slate) insert
// nothing; the same event with `data` alone works there.
const viaBeforeInputData = (el, text, range) => dispatchBeforeInput(el, text, range, null);

// Native editing: textareas, Draft.js and ProseMirror follow the DOM change.
function viaExecCommand(el, text) {
  return el.ownerDocument.execCommand('insertText', false, text);
}

function viaPaste(el, text) {
  const { ClipboardEvent } = realmOf(el);
  const event = new ClipboardEvent('paste', { ...EVENT_BASE, clipboardData: transferOf(el, text) });
  el.dispatchEvent(event);
  return event.defaultPrevented;
}

// An editor that cancels the beforeinput owns the edit; execCommand is only
// tried when nobody did, so the DOM never runs ahead of the editor's state.
const PATHS = {
  textarea: [viaExecCommand],
  default: [viaBeforeInput, viaBeforeInputData, viaExecCommand, viaPaste],
};
const BEFORE_INPUT = new Set([viaBeforeInput, viaBeforeInputData]);

function spanIs(el, start, text) {
  return readModel(el).text.slice(start, start + text.length) === text;
}

// Replaces [start, end) (UTF-16 offsets into readModel(el).text) with `text`.
// `expected` is the current content of the span, checked before each attempt so
// a concurrent edit is never overwritten.
export async function replaceSpan(el, kind, { start, end, expected, text }) {
  const paths = PATHS[kind] ?? PATHS.default;
  let claimed = false;
  for (const path of paths) {
    // Once an editor has claimed a beforeinput, only another beforeinput may
    // follow: never execCommand, which would put the DOM ahead of its state.
    if (claimed && !BEFORE_INPUT.has(path)) return false;
    const model = readModel(el);
    if (model.text.slice(start, end) !== expected) return false;
    const host = editingHostAt(model, start); // a block editor's block
    host.focus({ preventScroll: true });
    if (!selectSpan(el, start, end)) return false;
    await selectionSettled(el.ownerDocument);
    const range = model.field ? null : rangeFor(readModel(el), start, end);
    const handled = path(host, text, range);
    await nextFrame();
    if (spanIs(el, start, text)) return true;
    claimed ||= handled && BEFORE_INPUT.has(path);
  }
  return false;
}
