// Shared shape of a site adapter. A site file only states data (hosts,
// origins, selectors, keys) plus the odd predicate; this turns it into the adapter API:
//   matches(url, page), accepts(el), findComposers(root), readText(el),
//   isSubmitControl(el), findSubmitControl(editor), submitKeysFor(editor),
//   contextOf(editor) -> {audience, targets} (from the site's optional `context`
//   reader; see ../page-context.js).
import { closestComposed, composedParent, deepQueryAll } from '../dom.js';
import { EDITABLE, editableRoot } from '../editors/detect.js';
import { readContext } from '../page-context.js';
import { readText } from '../editors/text-model.js';

export const MOD_ENTER = Object.freeze([{ key: 'Enter', mod: 'ctrlOrMeta' }]);
export const ENTER = Object.freeze([{ key: 'Enter', mod: 'none' }]);

const SEARCH_WALK_LEVELS = 12;

export function hostMatches(hostname, hosts) {
  return hosts.some((h) => hostname === h || hostname.endsWith(`.${h}`));
}

// The editable element for a composer match (the match itself, or inside it).
export function resolveEditable(match) {
  const own = editableRoot(match);
  if (own) return own;
  const inner = match.matches(EDITABLE) ? match : deepQueryAll(match, EDITABLE)[0];
  return inner ? editableRoot(inner) : null;
}

export function defineAdapter(spec) {
  const {
    id,
    platform = id,
    hosts = [],
    origins = [],
    composer,
    submit,
    submitKeys = MOD_ENTER,
    isSubmitControl = null,
    matchesPage = null,
    submitKeysFor = null,
    rejects = null,
    context = null,
  } = spec;
  const candidates = [submit, isSubmitControl && 'button, [role="button"], input[type="submit"]']
    .filter(Boolean)
    .join(', ');
  const adapter = {
    id,
    platform,
    label: spec.label ?? id,
    // The manifest's match patterns for this site (scripts/sites.mjs writes
    // them into host_permissions and content_scripts.matches).
    origins: Object.freeze([...origins]),
    submitKeys,
    matches(url, page = {}) {
      return hostMatches(url.hostname, hosts) || Boolean(matchesPage?.(url, page));
    },
    accepts(el) {
      if (rejects?.(el)) return false;
      return Boolean(closestComposed(el, composer));
    },
    findComposers(root) {
      const found = new Set();
      for (const match of deepQueryAll(root, composer)) {
        const el = resolveEditable(match);
        if (el && adapter.accepts(el)) found.add(el);
      }
      return [...found];
    },
    readText,
    isSubmitControl(el) {
      if (el.matches?.(':disabled, [aria-disabled="true"]')) return false;
      return Boolean((submit && el.matches?.(submit)) || isSubmitControl?.(el));
    },
    // The submit control that belongs to this editor: the nearest one found
    // walking up from the editor (through shadow roots).
    findSubmitControl(editor) {
      let node = editor;
      for (let level = 0; node && level < SEARCH_WALK_LEVELS; level++) {
        node = composedParent(node);
        if (!node) break;
        const hit = candidates && deepQueryAll(node, candidates).find((c) => adapter.isSubmitControl(c));
        if (hit) return hit;
      }
      return null;
    },
    submitKeysFor(editor) {
      return submitKeysFor?.(editor) ?? submitKeys;
    },
    // Who the draft goes to, as the page shows it; never throws.
    contextOf(editor) {
      return readContext(context, editor);
    },
  };
  return Object.freeze(adapter);
}

// Buttons whose visible label or aria-label is one of `words` (for sites whose
// Post button has no stable attribute).
export function labelledButton(words) {
  const re = new RegExp(`^\\s*(${words.join('|')})\\s*$`, 'i');
  return (el) => {
    if (!el.matches?.('button, [role="button"], input[type="submit"]')) return false;
    const label = el.getAttribute('aria-label') ?? el.value ?? el.textContent ?? '';
    return re.test(label) || re.test(el.textContent ?? '');
  };
}
