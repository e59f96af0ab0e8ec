// Which editor engine owns an editable element, by the markers each library puts
// in the DOM. Sites change engines (LinkedIn went ProseMirror -> Quill), so this
// is decided at runtime, never per site.
export const EDITOR_MARKERS = Object.freeze([
  ['draft', '.public-DraftEditor-content, [data-contents="true"]'],
  ['lexical', '[data-lexical-editor="true"]'],
  ['slate', '[data-slate-editor="true"]'],
  ['quill', '.ql-editor'],
  ['prosemirror', '.ProseMirror'],
  ['ckeditor', '.ck-editor__editable'],
  ['trix', 'trix-editor'],
]);

export function detectEditor(el) {
  if (isField(el)) return 'textarea'; // a form field: its value is the text
  for (const [kind, selector] of EDITOR_MARKERS) {
    if (el.matches(selector) || el.querySelector(selector.split(', ').pop())) return kind;
  }
  return 'contenteditable';
}

// Single-line inputs that hold text a site publishes (a poll option, a
// headline, a link title). Never guarded as a post by themselves: only when an
// adapter declares the input as one of its site's fields (see define-adapter.js).
const TEXT_INPUT_TYPES = new Set(['text', 'url', '']);
export const isTextInput = (el) =>
  el?.tagName === 'INPUT' && TEXT_INPUT_TYPES.has((el.getAttribute('type') ?? '').toLowerCase());

// A form field (its text is its value): a <textarea>, or a text <input>.
export const isField = (el) => el?.tagName === 'TEXTAREA' || isTextInput(el);

// isContentEditable, or the attribute rule where a DOM lacks it (jsdom).
function editable(el) {
  if (typeof el.isContentEditable === 'boolean') return el.isContentEditable;
  const host = el.closest('[contenteditable]');
  return Boolean(host) && host.getAttribute('contenteditable') !== 'false';
}

// The outermost contenteditable element (the editing host) containing `node`,
// or the textarea itself. Stops at shadow-root boundaries on purpose: an editor
// never spans one.
export function editableRoot(node) {
  let el = node?.nodeType === 1 ? node : node?.parentElement;
  if (!el) return null;
  if (el.tagName === 'TEXTAREA') return el.readOnly || el.disabled ? null : el;
  if (el.tagName === 'INPUT') return null; // only as a declared field (fieldInput)
  if (!editable(el)) return null;
  while (el.parentElement && editable(el.parentElement)) el = el.parentElement;
  return el;
}

// A text <input> someone can type into (not read-only or disabled), else null.
export function fieldInput(node) {
  return isTextInput(node) && !node.readOnly && !node.disabled ? node : null;
}

// Block editors make every paragraph its own editable element (Editor.js,
// Gutenberg, Notion): the post is all of them, so a session owns the root
// around the blocks, and its text is the blocks' text, one per line.
export const BLOCK_EDITOR_ROOTS = [
  '.codex-editor', // Editor.js
  '.block-editor-block-list__layout.is-root-container', // WordPress Gutenberg
  '.notion-page-content', // Notion
].join(', ');
// The one definition of "an element someone can type a post into": rich-text
// editing hosts, and those plus <textarea>. NOT_A_POST: editables that are
// never a post (search boxes, comboboxes, read-only, disabled or hidden ones).
export const RICH_EDITABLE = '[contenteditable="true"], [contenteditable=""], [contenteditable="plaintext-only"]';
export const EDITABLE = `textarea, ${RICH_EDITABLE}`;
export const NOT_A_POST =
  '[role="combobox"], [role="searchbox"], [type="search"], [readonly], [disabled], [aria-hidden="true"]';

export const isBlockRoot = (el) => !isField(el) && Boolean(el.matches?.(BLOCK_EDITOR_ROOTS));

// The editable blocks of a block editor's root, in document order.
export function editableBlocks(root) {
  return [...root.querySelectorAll(RICH_EDITABLE)].filter((el) => editableRoot(el) === el);
}

// The element that owns the post `host` (an editing host) belongs to.
export function composerRoot(host) {
  if (!host || isField(host)) return host;
  return host.parentElement?.closest(BLOCK_EDITOR_ROOTS) ?? host;
}
