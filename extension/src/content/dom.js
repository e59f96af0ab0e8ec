// DOM helpers that see through open shadow roots and into same-origin frames
// (an editor in TinyMCE's iframe belongs to the compose box around the frame).
// Used by adapters on events and in throttled scans, never per keystroke.

// The <iframe> element that shows `doc`, when the frame is same-origin (a
// cross-origin parent hides it: frameElement is null there).
export function frameOf(doc) {
  try {
    return doc?.defaultView?.frameElement ?? null;
  } catch {
    return null;
  }
}

// A same-origin frame's document, or null (cross-origin, or not loaded yet).
export function frameDocument(frame) {
  try {
    return frame.contentDocument ?? null;
  } catch {
    return null;
  }
}

export function composedParent(node) {
  if (node.parentElement) return node.parentElement;
  const root = node.getRootNode?.();
  if (root && root !== node && root.host) return root.host;
  if (node.nodeType === 1 && node === node.ownerDocument?.documentElement) {
    return frameOf(node.ownerDocument);
  }
  return null;
}

export function closestComposed(el, selector) {
  for (let node = el; node; node = composedParent(node)) {
    if (node.matches?.(selector)) return node;
  }
  return null;
}

export function composedContains(ancestor, node) {
  for (let n = node; n; n = composedParent(n)) if (n === ancestor) return true;
  return false;
}

const FRAMES = 'iframe, frame';

// querySelectorAll over `root`, every open shadow root and every same-origin
// frame below it.
export function deepQueryAll(root, selector, out = []) {
  if (root.matches?.(selector)) out.push(root);
  for (const el of root.querySelectorAll(selector)) out.push(el);
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) deepQueryAll(el.shadowRoot, selector, out);
    if (el.matches(FRAMES)) {
      const doc = frameDocument(el);
      if (doc?.documentElement) deepQueryAll(doc.documentElement, selector, out);
    }
  }
  return out;
}

// The window whose constructors and styles belong to `el` (its frame's, for an
// editor in an iframe: a range or stylesheet of another realm is refused).
export const realmOf = (el) => el.ownerDocument?.defaultView ?? globalThis;

// Still in a page the user sees: connected, and every frame around it too (the
// document of a removed iframe keeps its nodes "connected").
export function isLive(el) {
  for (let node = el; node; node = frameOf(node.ownerDocument)) {
    if (!node.isConnected) return false;
  }
  return true;
}

export function isVisible(el) {
  if (!isLive(el)) return false;
  const rect = el.getBoundingClientRect();
  if (rect.width < 8 || rect.height < 8) return false;
  const style = realmOf(el).getComputedStyle(el);
  return style.visibility !== 'hidden' && style.display !== 'none';
}

// Where `doc`'s viewport sits in the top page's viewport (0, 0 outside frames).
export function frameOffset(doc) {
  let x = 0;
  let y = 0;
  for (let frame = frameOf(doc); frame; frame = frameOf(frame.ownerDocument)) {
    const f = frame.getBoundingClientRect();
    x += f.left + frame.clientLeft;
    y += f.top + frame.clientTop;
  }
  return { x, y };
}

// The element's box in the top page's viewport (where our banner is drawn):
// offset by each frame around it and clipped to the frame's visible area.
export function rectOf(el) {
  const r = el.getBoundingClientRect();
  let box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  for (let frame = frameOf(el.ownerDocument); frame; frame = frameOf(frame.ownerDocument)) {
    const f = frame.getBoundingClientRect();
    const x = f.left + frame.clientLeft;
    const y = f.top + frame.clientTop;
    box = {
      left: Math.max(box.left + x, x),
      top: Math.max(box.top + y, y),
      right: Math.min(box.right + x, x + frame.clientWidth),
      bottom: Math.min(box.bottom + y, y + frame.clientHeight),
    };
    if (box.right < box.left) box.right = box.left;
    if (box.bottom < box.top) box.bottom = box.top;
  }
  return box;
}

// Elements in an event's composed path, innermost first (open roots only).
export function pathElements(event) {
  return event.composedPath().filter((n) => n.nodeType === 1);
}
