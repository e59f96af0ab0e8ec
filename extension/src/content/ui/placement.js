// Where the banner goes: next to the editor, never over the editor's text or a
// submit control, inside the viewport. Pure geometry, unit-tested.
const GAP = 8;

const overlaps = (a, b) =>
  a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;

function box(left, top, size) {
  return { left, top, right: left + size.width, bottom: top + size.height };
}

export function chooseBannerPlacement({ editor, avoid = [], size, viewport }) {
  const clampX = (x) => Math.max(GAP, Math.min(x, viewport.width - size.width - GAP));
  const candidates = [
    box(clampX(editor.left), editor.bottom + GAP, size), // below the editor
    box(clampX(editor.left), editor.top - size.height - GAP, size), // above
    box(editor.right + GAP, Math.max(GAP, editor.top), size), // right
    box(editor.left - size.width - GAP, Math.max(GAP, editor.top), size), // left
    box(viewport.width - size.width - GAP, GAP, size), // top-right corner
    box(viewport.width - size.width - GAP, viewport.height - size.height - GAP, size),
    box(GAP, viewport.height - size.height - GAP, size),
  ];
  const fits = (b) => b.left >= 0 && b.top >= 0 && b.right <= viewport.width && b.bottom <= viewport.height;
  const blocked = [editor, ...avoid];
  const best =
    candidates.find((b) => fits(b) && !blocked.some((r) => overlaps(b, r))) ??
    candidates.find((b) => fits(b) && !avoid.some((r) => overlaps(b, r))) ??
    candidates[4];
  return { left: Math.round(best.left), top: Math.round(best.top) };
}
