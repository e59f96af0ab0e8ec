// Helpers for the site adapters' contextOf(editor): what the page around a
// compose box says about who the draft goes to. Every read is bounded (a few
// levels up from the editor, a capped number of elements, short texts only),
// ignores the editor itself (the draft's own text is never a "target") and
// never throws: a site that changed its markup gives {audience: 'unknown'}.
import { NO_CONTEXT, cleanHandle, handlesIn, normalizeContext } from '../shared/scan-context.js';
import { composedContains, composedParent } from './dom.js';

export const WALK_LEVELS = 8;
const MAX_ELEMENTS = 400;
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
// "Replying to @name" line), checked over at most MAX_ELEMENTS elements a level.
// `skip`: containers whose text is someone else's (a timeline's posts).
export function labelNear(editor, re, {
  selector = 'div, span, p, a, h1, h2, h3, header',
  levels = WALK_LEVELS,
  skip = 'article',
} = {}) {
  for (const node of ancestors(editor, levels)) {
    const list = node.querySelectorAll(selector);
    const n = Math.min(list.length, MAX_ELEMENTS);
    for (let i = 0; i < n; i++) {
      const el = list[i];
      const text = el.textContent ?? '';
      if (text.length > MAX_LABEL || !re.test(text) || !apart(el, editor)) continue;
      if (skip && el.closest(skip) && !editor.closest?.(skip)) continue;
      return el;
    }
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
