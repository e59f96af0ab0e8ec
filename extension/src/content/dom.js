// DOM helpers that see through open shadow roots. Used by adapters on events
// and in throttled scans, never per keystroke.
export function composedParent(node) {
  if (node.parentElement) return node.parentElement;
  const root = node.getRootNode?.();
  return root && root !== node && root.host ? root.host : null;
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

// querySelectorAll over `root` and every open shadow root below it.
export function deepQueryAll(root, selector, out = []) {
  if (root.matches?.(selector)) out.push(root);
  for (const el of root.querySelectorAll(selector)) out.push(el);
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) deepQueryAll(el.shadowRoot, selector, out);
  }
  return out;
}

export function isVisible(el) {
  if (!el.isConnected) return false;
  const rect = el.getBoundingClientRect();
  if (rect.width < 8 || rect.height < 8) return false;
  const style = getComputedStyle(el);
  return style.visibility !== 'hidden' && style.display !== 'none';
}

export function rectOf(el) {
  const r = el.getBoundingClientRect();
  return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
}

// Elements in an event's composed path, innermost first (open roots only).
export function pathElements(event) {
  return event.composedPath().filter((n) => n.nodeType === 1);
}
