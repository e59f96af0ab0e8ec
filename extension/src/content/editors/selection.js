// Reading and setting the selection of an editor, including editors inside open
// shadow roots (Chromium exposes their selection on the shadow root).
import { domPoint, rangeFor, readModel, textOffset } from './text-model.js';
import { isField } from './detect.js';

function selectionOf(el) {
  const root = el.getRootNode();
  return (typeof root.getSelection === 'function' ? root.getSelection() : null) ??
    el.ownerDocument.getSelection();
}

// The caret as a text offset, or null when the selection is not in the editor.
export function caretOffset(el) {
  if (isField(el)) return el.selectionEnd;
  const sel = selectionOf(el);
  if (!sel || sel.rangeCount === 0 || !el.contains(sel.focusNode)) return null;
  return textOffset(readModel(el), sel.focusNode, sel.focusOffset);
}

export function selectSpan(el, start, end) {
  if (isField(el)) {
    el.setSelectionRange(start, end);
    return true;
  }
  const range = rangeFor(readModel(el), start, end);
  if (!range) return false;
  el.ownerDocument
    .getSelection()
    .setBaseAndExtent(range.startContainer, range.startOffset, range.endContainer, range.endOffset);
  return true;
}

export function placeCaret(el, offset) {
  if (isField(el)) {
    el.setSelectionRange(offset, offset);
    return;
  }
  const point = domPoint(readModel(el), offset, false);
  if (point) el.ownerDocument.getSelection().setBaseAndExtent(point.node, point.offset, point.node, point.offset);
}

// Editors sync their model from `selectionchange`, which fires as a task after
// the DOM selection moves; give it (and a frame) time before editing.
export function selectionSettled(doc, timeoutMs = 150) {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      doc.removeEventListener('selectionchange', onChange);
      requestAnimationFrame(() => setTimeout(resolve, 0));
    };
    const onChange = () => setTimeout(finish, 0);
    doc.addEventListener('selectionchange', onChange);
    setTimeout(finish, timeoutMs);
  });
}
