// Finding highlights on contenteditable editors through the CSS Custom Highlight
// API: ranges are styled without adding a single node to the editor's DOM.
// Each window has its own highlight registry: an editor in an iframe is
// highlighted through its frame's registry, with a stylesheet of its frame.
const NAME = 'postguard-finding';
const CSS_TEXT = `::highlight(${NAME}) { background-color: rgba(179, 38, 30, 0.22); text-decoration: underline wavy #b3261e; }`;

const rangesBySession = new Map(); // session -> { win, ranges }
const styledRoots = new WeakSet();
const sheets = new WeakMap(); // window -> its stylesheet (sheets cannot cross documents)

// ::highlight() rules only match inside the tree that holds them, so the sheet
// goes to the document and to the editor's shadow root, if it has one.
function ensureStyle(win, root) {
  if (styledRoots.has(root)) return;
  try {
    let sheet = sheets.get(win);
    if (!sheet) {
      sheet = new win.CSSStyleSheet();
      sheet.replaceSync(CSS_TEXT);
      sheets.set(win, sheet);
    }
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

function repaint(win) {
  if (!win.CSS?.highlights) return;
  const all = [...rangesBySession.values()].filter((e) => e.win === win).flatMap((e) => e.ranges);
  if (all.length === 0) win.CSS.highlights.delete(NAME);
  else win.CSS.highlights.set(NAME, new win.Highlight(...all));
}

export function setHighlights(session, el, ranges) {
  const win = el.ownerDocument.defaultView ?? globalThis;
  if (!win.CSS?.highlights) return false;
  const before = rangesBySession.get(session)?.win;
  if (ranges.length) {
    ensureStyle(win, el.ownerDocument);
    const root = el.getRootNode();
    if (root !== el.ownerDocument) ensureStyle(win, root);
    rangesBySession.set(session, { win, ranges });
  } else {
    rangesBySession.delete(session);
  }
  if (before && before !== win) repaint(before);
  repaint(win);
  return true;
}

export function clearHighlights(session) {
  const entry = rangesBySession.get(session);
  if (entry && rangesBySession.delete(session)) repaint(entry.win);
}
