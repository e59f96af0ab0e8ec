// Shared shape of a site adapter. A site file only states data (hosts,
// origins, selectors, keys) plus the odd predicate; this turns it into the adapter API:
//   matches(url, page), accepts(el), findComposers(root), readText(el),
//   isSubmitControl(el), findSubmitControl(editor), submitKeysFor(editor),
//   contextOf(editor) -> {audience, targets} (from the site's optional `context`
//   reader; see ../page-context.js), fieldOf(el) -> the site field it is, or null.
// `fields` (../site-fields.js): the site's other boxes whose text it publishes (alt
// text, poll options, link titles, bios), each guarded like the compose box.
import { closestComposed, composedParent, deepQueryAll } from '../dom.js';
import { EDITABLE, editableRoot, fieldInput } from '../editors/detect.js';
import { compileFields } from '../site-fields.js';
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
  const own = editableRoot(match) ?? fieldInput(match);
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
  const fields = compileFields(spec.fields ?? []);
  const candidates = [submit, isSubmitControl && 'button, [role="button"], input[type="submit"]', fields.hasSave && fields.saveSelectors]
    .filter(Boolean)
    .join(', ');
  const isPostControl = (el) => Boolean((submit && el.matches?.(submit)) || isSubmitControl?.(el));
  // The nearest control walking up from `editor` (through shadow roots) that
  // passes `test`.
  const nearestControl = (editor, test) => {
    let node = editor;
    for (let level = 0; node && level < SEARCH_WALK_LEVELS; level++) {
      node = composedParent(node);
      if (!node) break;
      const hit = candidates && deepQueryAll(node, candidates).find((c) => !isDisabled(c) && test(c));
      if (hit) return hit;
    }
    return null;
  };
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
    // The site's fields (name, label), for the support table and tests.
    fields: fields.declared,
    accepts(el) {
      if (rejects?.(el)) return false;
      if (fields.of(el)) return true;
      return Boolean(!fieldInput(el) && closestComposed(el, composer));
    },
    // The declared field `el` is ({name, label, ...}), or null for the post itself.
    fieldOf(el) {
      return fields.of(el);
    },
    findComposers(root) {
      const found = new Set();
      for (const match of deepQueryAll(root, composer)) {
        const el = resolveEditable(match);
        if (el && adapter.accepts(el)) found.add(el);
      }
      for (const el of fields.find(root)) if (adapter.accepts(el)) found.add(el);
      return [...found];
    },
    readText,
    isSubmitControl(el) {
      if (isDisabled(el)) return false;
      return isPostControl(el) || fields.isSave(el);
    },
    // The submit control that belongs to this editor: for a field with its own
    // save action (a dialog's Apply, a profile's Save), the nearest one of
    // those; else the nearest Post control walking up from the editor.
    findSubmitControl(editor) {
      const field = fields.of(editor);
      if (field?.hasSave) {
        const own = nearestControl(editor, (c) => field.isSave(c));
        if (own) return own;
      }
      return nearestControl(editor, isPostControl);
    },
    submitKeysFor(editor) {
      const field = fields.of(editor);
      if (field) return field.keys ?? (field.hasSave ? [] : submitKeys);
      return submitKeysFor?.(editor) ?? submitKeys;
    },
    // Who the draft goes to, as the page shows it; never throws.
    contextOf(editor) {
      return readContext(context, editor);
    },
  };
  return Object.freeze(adapter);
}

const isDisabled = (el) => Boolean(el.matches?.(':disabled, [aria-disabled="true"]'));

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
