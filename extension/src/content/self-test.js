// Per-page self-test: is every visible compose box guarded? A visible editor no
// adapter could take (e.g. inside a closed shadow root), or an editor frame the
// extension cannot enter (cross-origin), makes the page "not protected here" on
// the badge, and the popup names the box, rather than silently unguarded.
import { deepQueryAll, isVisible } from './dom.js';
import { EDITABLE, NOT_A_POST, editableRoot } from './editors/detect.js';

const THROTTLE_MS = 1500;
// Frames that hold an editor say so in their name or title (TinyMCE's "Rich
// Text Area", CKEditor 4's "Rich Text Editor", comment widgets), or sit in a form.
const EDITOR_FRAME_WORDS = /edit|compos|comment|reply|message|rich.?text|rte|wysiwyg|write|post|disqus/i;
const EDITOR_FRAME_MIN = { width: 120, height: 30 };

function shadowRootOf(el, openOrClosed) {
  try {
    return openOrClosed(el);
  } catch {
    return null; // an element of a frame the API does not reach
  }
}

// Editors behind closed shadow roots, which only the extension API can see.
function closedRootEditors(doc, openOrClosed) {
  if (!openOrClosed) return [];
  const found = [];
  for (const el of deepQueryAll(doc.documentElement, '*')) {
    if (el.shadowRoot || !el.tagName.includes('-') || el.tagName.startsWith('POSTGUARD-')) continue;
    const root = shadowRootOf(el, openOrClosed);
    if (root) found.push(...deepQueryAll(root, EDITABLE));
  }
  return found;
}

export function looksLikeEditorFrame(frame) {
  const rect = frame.getBoundingClientRect();
  if (rect.width < EDITOR_FRAME_MIN.width || rect.height < EDITOR_FRAME_MIN.height) return false;
  if (frame.closest('form')) return true;
  const names = ['title', 'name', 'id', 'class', 'aria-label'].map((a) => frame.getAttribute(a) ?? '');
  return EDITOR_FRAME_WORDS.test(names.join(' '));
}

function frameOrigin(frame) {
  try {
    return new URL(frame.src, frame.baseURI).origin;
  } catch {
    return 'unknown origin';
  }
}

// What the popup may say about a box: its kind and where it is, never its text.
export function describeBox(el) {
  if (el.matches?.('iframe, frame')) return `editor frame from ${frameOrigin(el)}`;
  const tag = el.tagName.toLowerCase();
  return el.tagName === 'TEXTAREA' ? 'text box' : `editor <${tag}>`;
}

export function classify(boxes, guard) {
  let guarded = 0;
  const unguarded = [];
  for (const box of boxes) {
    if (guard.sessionFor(box)) guarded++;
    else unguarded.push(box);
  }
  if (unguarded.length) return { state: 'not-protected', boxes: unguarded };
  return { state: guarded ? 'protected' : 'idle', boxes: [] };
}

// `frames.sweep()` enters same-origin frames and returns those it cannot enter;
// `guardsItself(frame)` is true for a frame on a site the extension runs in.
// `signal` stops the observer and any scheduled run.
export function startSelfTest({ doc, guard, report, openOrClosed, frames, guardsItself = () => false, signal }) {
  let last = null;
  let scheduled = false;

  function run() {
    scheduled = false;
    if (signal?.aborted) return;
    const t0 = performance.now();
    guard.sweep();
    const sealed = (frames?.sweep() ?? []).filter(
      (f) => isVisible(f) && looksLikeEditorFrame(f) && !guardsItself(f),
    );
    const open = deepQueryAll(doc.documentElement, EDITABLE)
      .map((el) => editableRoot(el) ?? el)
      .filter((el) => !el.matches(NOT_A_POST) && isVisible(el));
    const closed = closedRootEditors(doc, openOrClosed).filter((el) => isVisible(el));
    const found = classify([...new Set(open)], guard);
    const cannot = [...closed, ...sealed, ...found.boxes];
    const state = cannot.length ? 'not-protected' : found.state;
    const boxes = [...new Set(cannot.map(describeBox))];
    performance.measure('postguard:self-test-work', { start: t0, end: performance.now() });
    const key = `${state}|${boxes.join('|')}`;
    if (key !== last) {
      last = key;
      report(state, boxes);
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => (globalThis.requestIdleCallback ?? setTimeout)(run, { timeout: 500 }), THROTTLE_MS);
  }

  const observer = new MutationObserver(schedule);
  observer.observe(doc, { childList: true, subtree: true });
  signal?.addEventListener('abort', () => observer.disconnect(), { once: true });
  run();
  return { run, schedule };
}
