// Finding highlights on contenteditable editors through the CSS Custom Highlight
// API: ranges are styled without adding a single node to the editor's DOM.
const NAME = 'postguard-finding';
const CSS_TEXT = `::highlight(${NAME}) { background-color: rgba(179, 38, 30, 0.22); text-decoration: underline wavy #b3261e; }`;

const rangesBySession = new Map();
const styledRoots = new WeakSet();
let sheet = null;

// ::highlight() rules only match inside the tree that holds them, so the sheet
// goes to the document and to the editor's shadow root, if it has one.
function ensureStyle(root) {
  if (styledRoots.has(root)) return;
  try {
    sheet ??= new CSSStyleSheet();
    if (!sheet.cssRules.length) sheet.replaceSync(CSS_TEXT);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    // Firefox: a content script sees the page's adoptedStyleSheets through an
    // Xray wrapper that refuses access; a <style> of our own does the same job.
    const doc = root.ownerDocument ?? root;
    const style = doc.createElement('style');
    style.textContent = CSS_TEXT;
    (root.head ?? root.documentElement ?? root).append(style);
  }
  styledRoots.add(root);
}

function repaint() {
  if (!globalThis.CSS?.highlights) return;
  const all = [...rangesBySession.values()].flat();
  if (all.length === 0) CSS.highlights.delete(NAME);
  else CSS.highlights.set(NAME, new Highlight(...all));
}

export function setHighlights(session, el, ranges) {
  if (!globalThis.CSS?.highlights) return false;
  if (ranges.length) {
    ensureStyle(el.ownerDocument);
    const root = el.getRootNode();
    if (root !== el.ownerDocument) ensureStyle(root);
    rangesBySession.set(session, ranges);
  } else {
    rangesBySession.delete(session);
  }
  repaint();
  return true;
}

export function clearHighlights(session) {
  if (rangesBySession.delete(session)) repaint();
}
