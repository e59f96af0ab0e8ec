// Does a keydown submit the post, per the adapter's key list? Enter that
// confirms an input-method composition (CJK, dead keys) never does.
export function isImeComposing(event) {
  return Boolean(event.isComposing) || event.keyCode === 229 || event.key === 'Process';
}

const MODS = {
  none: (e) => !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey,
  ctrlOrMeta: (e) => (e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey,
};

export function isSubmitKey(event, keys) {
  if (isImeComposing(event)) return false;
  return keys.some((k) => event.key === k.key && (MODS[k.mod] ?? MODS.none)(event));
}
