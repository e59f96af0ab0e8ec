// Highlights for a <textarea>: the Highlight API cannot reach inside it, so a
// mirror of the textarea (same box, font and wrapping, transparent text) is drawn
// over it in our own shadow root, with the finding spans tinted. The overlay
// takes no pointer events, so clicks and selection still reach the textarea.
// A textarea in an iframe gets its overlay in the top page, offset by the frame.
import { frameOffset, realmOf } from '../dom.js';

const TAG = 'postguard-overlay';
const COPIED = [
  'boxSizing', 'width', 'height', 'paddingTop', 'paddingRight', 'paddingBottom',
  'paddingLeft', 'borderTopWidth', 'borderRightWidth', 'borderBottomWidth',
  'borderLeftWidth', 'borderStyle', 'fontFamily', 'fontSize', 'fontWeight',
  'fontStyle', 'letterSpacing', 'lineHeight', 'textTransform', 'textIndent',
  'wordSpacing', 'tabSize', 'direction', 'textAlign',
];

export function createTextareaOverlay(textarea) {
  const host = document.createElement(TAG);
  const root = host.attachShadow({ mode: 'closed' });
  const mirror = document.createElement('div');
  root.append(mirror);
  let spans = [];

  function layout() {
    const rect = textarea.getBoundingClientRect();
    const offset = frameOffset(textarea.ownerDocument);
    const cs = realmOf(textarea).getComputedStyle(textarea);
    for (const prop of COPIED) mirror.style[prop] = cs[prop];
    Object.assign(mirror.style, {
      position: 'fixed', left: `${rect.left + offset.x}px`, top: `${rect.top + offset.y}px`,
      width: `${rect.width}px`, height: `${rect.height}px`, margin: '0',
      borderColor: 'transparent', color: 'transparent', background: 'transparent',
      // An <input> is one line that scrolls sideways; a textarea wraps.
      whiteSpace: textarea.tagName === 'INPUT' ? 'pre' : 'pre-wrap', overflowWrap: 'break-word', overflow: 'hidden',
      pointerEvents: 'none', zIndex: '2147483646',
    });
    mirror.scrollTop = textarea.scrollTop;
    mirror.scrollLeft = textarea.scrollLeft;
  }

  function draw() {
    const text = textarea.value;
    const parts = [];
    let pos = 0;
    for (const { start, end } of spans) {
      parts.push(document.createTextNode(text.slice(pos, start)));
      const mark = document.createElement('span');
      mark.textContent = text.slice(start, end);
      mark.style.cssText = 'background: rgba(179,38,30,.22); border-bottom: 2px solid #b3261e;';
      parts.push(mark);
      pos = end;
    }
    parts.push(document.createTextNode(text.slice(pos) + '\n'));
    mirror.replaceChildren(...parts);
    layout();
  }

  return {
    host,
    show(next) {
      spans = [...next].sort((a, b) => a.start - b.start);
      host.dataset.highlights = String(spans.length);
      if (!spans.length) return this.hide();
      if (!host.isConnected) document.documentElement.append(host);
      draw();
    },
    hide() {
      spans = [];
      host.dataset.highlights = '0';
      host.remove();
    },
    reposition() {
      if (spans.length && host.isConnected) layout();
    },
  };
}
