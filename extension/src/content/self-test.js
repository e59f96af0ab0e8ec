// Per-page self-test: is every visible compose box guarded? A visible editor no
// adapter could take (e.g. inside a closed shadow root) makes the page "not
// protected here" on the badge, rather than silently unguarded.
import { deepQueryAll, isVisible } from './dom.js';
import { editableRoot } from './editors/detect.js';

const CANDIDATES = 'textarea, [contenteditable="true"], [contenteditable=""], [contenteditable="plaintext-only"]';
const NOT_A_POST = '[role="combobox"], [role="searchbox"], [readonly], [disabled], [aria-hidden="true"]';
const THROTTLE_MS = 1500;

// Editors behind closed shadow roots, which only the extension API can see.
function closedRootEditors(doc, openOrClosed) {
  if (!openOrClosed) return [];
  const found = [];
  for (const el of doc.querySelectorAll('*')) {
    if (el.shadowRoot || !el.tagName.includes('-') || el.tagName.startsWith('POSTGUARD-')) continue;
    const root = openOrClosed(el);
    if (root) found.push(...deepQueryAll(root, CANDIDATES));
  }
  return found;
}

export function classify(boxes, guard) {
  let guarded = 0;
  let unguarded = 0;
  for (const box of boxes) {
    if (guard.sessionFor(box)) guarded++;
    else unguarded++;
  }
  if (unguarded) return 'not-protected';
  return guarded ? 'protected' : 'idle';
}

export function startSelfTest({ doc, guard, report, openOrClosed }) {
  let last = null;
  let scheduled = false;

  function run() {
    scheduled = false;
    const t0 = performance.now();
    guard.sweep();
    const open = deepQueryAll(doc.documentElement, CANDIDATES)
      .map((el) => editableRoot(el) ?? el)
      .filter((el) => !el.matches(NOT_A_POST) && isVisible(el));
    const closed = closedRootEditors(doc, openOrClosed).filter((el) => isVisible(el));
    const state = closed.length ? 'not-protected' : classify([...new Set(open)], guard);
    performance.measure('postguard:self-test-work', { start: t0, end: performance.now() });
    if (state !== last) {
      last = state;
      report(state);
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => (globalThis.requestIdleCallback ?? setTimeout)(run, { timeout: 500 }), THROTTLE_MS);
  }

  new MutationObserver(schedule).observe(doc, { childList: true, subtree: true });
  run();
  return { run, schedule };
}
