// The scan's `context` (who the draft goes to): the audience the page shows and
// the handles it is addressed to. Pure: the content script builds it from the
// page, the service worker checks it again before it leaves the extension.
// Shape (docs: guards contract, section 3):
//   {audience: public|reply|followers|dm|unknown, targets: [{handle, kind}], groups?}
export const AUDIENCES = Object.freeze(['public', 'reply', 'followers', 'dm', 'unknown']);
export const TARGET_KINDS = Object.freeze(['reply_to', 'mention', 'dm']);
export const MAX_TARGETS = 20;
export const MAX_HANDLE = 100;
const MAX_GROUPS = 20;
const MAX_GROUP = 64;

export const NO_CONTEXT = Object.freeze({ audience: 'unknown', targets: Object.freeze([]) });

// "@name", "@name.bsky.social", "@user@instance": letters and digits of any
// script (a lookalike may use Cyrillic), "_", "." and "-" inside.
const HANDLE_RE = /(?<![\p{L}\p{N}_@.])@[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]{0,98}[\p{L}\p{N}_])?(?:@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)?/gu;

// The @handles in a short piece of page text, in order, without repeats.
export function handlesIn(text, max = MAX_TARGETS) {
  const found = [];
  for (const match of String(text ?? '').slice(0, 2000).matchAll(HANDLE_RE)) {
    if (!found.includes(match[0])) found.push(match[0]);
    if (found.length >= max) break;
  }
  return found;
}

// A handle as the service expects it: trimmed, "@" first, at most 100 characters.
export function cleanHandle(value) {
  if (typeof value !== 'string') return null;
  const bare = value.trim().replace(/^@+/, '');
  if (!bare || /\s/.test(bare)) return null;
  const handle = `@${bare}`;
  return handle.length <= MAX_HANDLE ? handle : null;
}

export function normalizeContext(value) {
  const audience = AUDIENCES.includes(value?.audience) ? value.audience : 'unknown';
  const targets = [];
  const seen = new Set();
  for (const target of Array.isArray(value?.targets) ? value.targets : []) {
    const handle = cleanHandle(target?.handle);
    const kind = TARGET_KINDS.includes(target?.kind) ? target.kind : 'mention';
    const key = `${kind} ${handle}`;
    if (!handle || seen.has(key)) continue;
    seen.add(key);
    targets.push({ handle, kind });
    if (targets.length >= MAX_TARGETS) break;
  }
  return { audience, targets };
}

export function cleanGroups(value) {
  if (!Array.isArray(value) || value.length > MAX_GROUPS) return null;
  const groups = value.map((g) => (typeof g === 'string' ? g.trim() : ''));
  return groups.every((g) => g && g.length <= MAX_GROUP) ? [...new Set(groups)] : null;
}

// Nothing the page showed: no need to send a context at all.
export const isEmptyContext = (ctx) => !ctx || (ctx.audience === 'unknown' && !ctx.targets?.length);

// A short stable key of a context, for the verdict cache (the same text can be
// clean in a post and flagged in a reply to a lookalike account).
export function contextKey(ctx) {
  if (isEmptyContext(ctx)) return '';
  return `${ctx.audience}|${ctx.targets.map((t) => `${t.kind}:${t.handle}`).join(',')}`;
}
