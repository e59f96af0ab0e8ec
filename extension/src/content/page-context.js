// Helpers for the site adapters' contextOf(editor): what the page around a
// compose box says about who the draft goes to. Every read is bounded (a few
// levels up from the editor, a capped number of elements, short texts only),
// ignores the editor itself (the draft's own text is never a "target") and
// never throws: a site that changed its markup gives {audience: 'unknown'}.
import { NO_CONTEXT, cleanHandle, handlesIn, normalizeContext } from '../shared/scan-context.js';
import { composedContains, composedParent } from './dom.js';

export const WALK_LEVELS = 8;
const MAX_LABEL = 200;

// The editor's ancestors (through open shadow roots), nearest first.
export function* ancestors(editor, levels = WALK_LEVELS) {
  let node = editor;
  for (let level = 0; node && level < levels; level++) {
    node = composedParent(node);
    if (node) yield node;
  }
}

// Outside the editor, and not a container the editor sits in.
const apart = (el, editor) => !composedContains(el, editor) && !composedContains(editor, el);

// Elements matching `selector` in the nearest ancestor that has any (not the
// editor, nor around it).
export function near(editor, selector, levels = WALK_LEVELS) {
  for (const node of ancestors(editor, levels)) {
    const hits = [...node.querySelectorAll(selector)].filter((el) => apart(el, editor));
    if (hits.length) return hits;
  }
  return [];
}

// The first short element near the editor whose text matches `re` (e.g. the
// "Replying to @name" line). Walks the text nodes around the editor, nearest
// level first (each level skips the one inside it, the editor's own text
// first), at most MAX_TEXT_NODES in all, and tries the few elements just above
// each text node while their text stays short: no large subtree is read.
// `skip`: containers whose text is someone else's (a timeline's posts).
const MAX_TEXT_NODES = 1500;
const CLIMB = 3;
const SHOW_ELEMENTS_AND_TEXT = 1 | 4;
const ACCEPT = 1;
const REJECT = 2; // the node and its subtree
const SKIP = 3; // the node, not its children

export function labelNear(editor, re, { levels = WALK_LEVELS, skip = 'article' } = {}) {
  let inner = editor;
  let budget = MAX_TEXT_NODES;
  const ownSkip = skip && editor.closest?.(skip);
  for (const node of ancestors(editor, levels)) {
    const doc = node.ownerDocument ?? node;
    const done = inner;
    const acceptNode = (n) => {
      if (n === done) return REJECT;
      return n.nodeType === 3 ? ACCEPT : SKIP;
    };
    const walker = doc.createTreeWalker(node, SHOW_ELEMENTS_AND_TEXT, { acceptNode });
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (--budget < 0) return null;
      if (!t.data.trim() || t.data.length > MAX_LABEL) continue;
      let el = t.parentElement;
      for (let up = 0; el && up < CLIMB && el !== node; up++, el = el.parentElement) {
        const text = el.textContent ?? '';
        if (text.length > MAX_LABEL) break;
        if (!re.test(text) || !apart(el, editor)) continue;
        if (skip && !ownSkip && el.closest(skip)) break;
        return el;
      }
    }
    inner = node;
  }
  return null;
}

// Handles in the text of `els` (links included), as targets of `kind`.
export function targetsFrom(els, kind) {
  const handles = els.flatMap((el) => handlesIn((el.textContent ?? '').slice(0, MAX_LABEL)));
  return handles.map((handle) => ({ handle, kind }));
}

// The profile name in a link's path ("/AcmeSupport", "/in/jane-doe/"), as a
// handle; `pattern` captures the name.
export function handleFromHref(a, pattern) {
  try {
    const path = new URL(a.getAttribute('href') ?? '', 'https://example.invalid/').pathname;
    const name = pattern.exec(path)?.[1];
    return name ? cleanHandle(decodeURIComponent(name)) : null;
  } catch {
    return null;
  }
}

// The label of an editor or a control: aria-label, aria-placeholder, placeholder, text.
export function labelOf(el) {
  if (!el?.getAttribute) return '';
  return (el.getAttribute('aria-label') || el.getAttribute('aria-placeholder')
    || el.getAttribute('placeholder') || el.textContent || '').trim().slice(0, MAX_LABEL);
}

// What the page's location says (DM pages have their own paths).
export const pathOf = (editor) => editor?.ownerDocument?.location?.pathname ?? '';

// Runs a site's reader safely: its answer normalised, or "unknown" on any error.
export function readContext(read, editor) {
  if (!read || !editor) return NO_CONTEXT;
  try {
    return normalizeContext(read(editor));
  } catch {
    return NO_CONTEXT;
  }
}
