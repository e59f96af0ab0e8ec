// Reads an editor's text without touching it, and maps text offsets back to DOM
// positions (for highlights, Edit and Mask). Block elements and <br> become "\n";
// the newlines are virtual, so highlight ranges only ever cover real text nodes.
import { editableBlocks, editableRoot, isBlockRoot, isField } from './detect.js';

const BLOCKS = new Set([
  'P', 'DIV', 'LI', 'UL', 'OL', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE',
  'PRE', 'TR', 'TABLE', 'SECTION', 'ARTICLE', 'HEADER', 'FOOTER', 'FIGURE',
]);
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT']);
const NBSP = /\u00a0/g;

function walk(node, out) {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 3) {
      if (child.data) {
        out.segments.push({ node: child, start: out.text.length });
        out.text += child.data;
      }
    } else if (child.nodeType === 1 && !SKIPPED.has(child.tagName)) {
      if (child.tagName === 'BR') {
        out.text += '\n';
        continue;
      }
      if (BLOCKS.has(child.tagName) && out.text && !out.text.endsWith('\n')) out.text += '\n';
      walk(child, out);
    }
  }
}

export function readModel(el) {
  if (isField(el)) return { el, field: true, text: el.value, segments: [] };
  const out = { text: '', segments: [] };
  if (isBlockRoot(el)) {
    // One line per block, empty blocks included, as the editor saves them.
    editableBlocks(el).forEach((block, i) => {
      if (i > 0) out.text += '\n';
      walk(block, out);
    });
  } else {
    walk(el, out);
  }
  return { el, field: false, text: out.text.replace(NBSP, ' '), segments: out.segments };
}

export const readText = (el) => readModel(el).text;

// Last segment whose start is <= offset (binary search).
function segmentAt(segments, offset) {
  let lo = 0;
  let hi = segments.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid].start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

// DOM point for a text offset; `preferNext` moves a point that falls on a
// virtual newline or a node's end onto the start of the following node.
export function domPoint(model, offset, preferNext) {
  const { segments } = model;
  if (segments.length === 0) return null;
  let i = segmentAt(segments, offset);
  if (i < 0) return { node: segments[0].node, offset: 0 };
  let seg = segments[i];
  const len = seg.node.data.length;
  if (offset - seg.start > len || (preferNext && offset - seg.start === len)) {
    if (i + 1 < segments.length) return { node: segments[i + 1].node, offset: 0 };
    return { node: seg.node, offset: len };
  }
  return { node: seg.node, offset: offset - seg.start };
}

export function rangeFor(model, start, end) {
  const a = domPoint(model, start, true);
  const b = domPoint(model, end, false);
  if (!a || !b) return null;
  const range = model.el.ownerDocument.createRange();
  range.setStart(a.node, a.offset);
  range.setEnd(b.node, b.offset);
  return range;
}

// Text offset of a DOM point inside the editor (for remembering the caret).
export function textOffset(model, node, offset) {
  if (model.field) return offset;
  if (node.nodeType === 3) {
    const seg = model.segments.find((s) => s.node === node);
    if (seg) return seg.start + Math.min(offset, node.data.length);
  }
  const probe = model.el.ownerDocument.createRange();
  probe.setStart(node, offset);
  const next = model.segments.find((s) => probe.comparePoint(s.node, 0) >= 0);
  return next ? next.start : model.text.length;
}

// The editable element that holds text offset `offset`: the model's element,
// or the block there when the model spans a block editor's blocks.
export function editingHostAt(model, offset) {
  if (model.field || !isBlockRoot(model.el)) return model.el;
  const point = domPoint(model, offset, true);
  return (point && editableRoot(point.node)) ?? editableBlocks(model.el)[0] ?? model.el;
}
