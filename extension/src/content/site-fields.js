// A site's secondary fields: boxes other than the compose box whose text the
// site publishes (alt text, poll options, link titles, profile bios). An
// adapter declares them as data:
//   { name: 'alt_text',            // the field name events carry
//     label: 'image description',  // how the banner names it
//     selector: '...',             // the box (or a container around it), or
//     labels: /alt text/i,         // its accessible name (aria-label, <label>,
//                                  //  placeholder, aria-labelledby, title)
//     save: '...',                 // the field's own save action, if it has one
//     saveLabels: ['apply', 'done'], // ... or its visible label, inside the
//                                  //  same dialog or form as the field
//     scope: '...',                // other containers that count as its dialog
//     keys: [...] }                // submit keys (default: none with a save
//                                  //  action, else the site's)
// Detection reads only attributes and short labels, never the box's text.
import { closestComposed, deepQueryAll } from './dom.js';
import { editableRoot, fieldInput } from './editors/detect.js';

export const FIELD_NAME = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_LABEL = 200;
const SCOPE = 'form, dialog, [role="dialog"], [aria-modal="true"]';
const BUTTONS = 'button, [role="button"], input[type="submit"]';

const clip = (text) => (text ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_LABEL);

// The accessible name of a form box or editor, from its attributes and labels.
export function accessibleLabel(el) {
  const parts = [el.getAttribute('aria-label'), el.getAttribute('placeholder'), el.getAttribute('title')];
  const doc = el.ownerDocument;
  for (const id of (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean).slice(0, 3)) {
    parts.push(doc?.getElementById(id)?.textContent);
  }
  for (const label of [...(el.labels ?? [])].slice(0, 2)) parts.push(label.textContent);
  return parts.map(clip).filter(Boolean).join(' | ');
}

const buttonLabel = (el) => clip(el.getAttribute('aria-label') || el.value || el.textContent);

function compileField(spec) {
  if (!FIELD_NAME.test(spec.name ?? '')) throw new Error(`field name ${JSON.stringify(spec.name)}`);
  const saveWords = spec.saveLabels?.length
    ? new RegExp(`^(${spec.saveLabels.join('|')})$`, 'i')
    : null;
  const field = {
    name: spec.name,
    label: spec.label ?? spec.name.replace(/_/g, ' '),
    keys: spec.keys ?? null,
    hasSave: Boolean(spec.save || saveWords),
    byLabel: Boolean(spec.labels),
    matches(el) {
      if (spec.selector && closestComposed(el, spec.selector)) return true;
      return Boolean(spec.labels?.test(accessibleLabel(el)));
    },
    // The field's own save action: its selector, or a button with one of its
    // labels in a dialog or form that holds this field.
    isSave(el) {
      if (spec.save && el.matches?.(spec.save)) return true; // may be a <div>
      if (!el.matches?.(BUTTONS)) return false;
      if (!saveWords || !saveWords.test(buttonLabel(el))) return false;
      const scope = el.closest(spec.scope ? `${SCOPE}, ${spec.scope}` : SCOPE);
      return Boolean(scope && candidatesIn(scope).some((box) => field.matches(box)));
    },
  };
  return Object.freeze(field);
}

// Editable boxes in `root`: textareas, text inputs and editing hosts.
function candidatesIn(root) {
  const found = new Set();
  for (const el of deepQueryAll(root, 'textarea, input, [contenteditable]')) {
    const box = editableRoot(el) ?? fieldInput(el);
    if (box) found.add(box);
  }
  return [...found];
}

export function compileFields(specs) {
  const fields = specs.map(compileField);
  const selectors = specs.map((s) => s.selector).filter(Boolean).join(', ');
  const of = (el) => (el && fields.find((f) => f.matches(el))) || null;
  return Object.freeze({
    declared: Object.freeze(fields.map((f) => Object.freeze({ name: f.name, label: f.label, save: f.hasSave }))),
    hasSave: fields.some((f) => f.hasSave),
    // Where save controls are: buttons, and the fields' own save selectors.
    saveSelectors: [BUTTONS, ...specs.map((s) => s.save).filter(Boolean)].join(', '),
    of,
    isSave(el) {
      return fields.some((f) => f.hasSave && f.isSave(el));
    },
    // The declared fields' boxes under `root` (by selector, then by label).
    find(root) {
      if (!fields.length) return [];
      const found = new Set();
      if (selectors) {
        for (const match of deepQueryAll(root, selectors)) {
          const box = editableRoot(match) ?? fieldInput(match)
            ?? candidatesIn(match)[0];
          if (box) found.add(box);
        }
      }
      if (fields.some((f) => f.byLabel)) {
        for (const box of candidatesIn(root)) if (of(box)) found.add(box);
      }
      return [...found];
    },
  });
}

// Accessible-name patterns any site may use, shared by the generic adapter.
export const GENERIC_FIELDS = Object.freeze([
  {
    name: 'alt_text',
    label: 'image description',
    labels: /\b(alt(ernative)?[ -]?text|image description|describe (this|the|your) (image|photo|picture|media|video)|visual(ly)? impair)/i,
    saveLabels: ['apply', 'done', 'save'],
  },
  { name: 'poll_option', label: 'poll option', labels: /\b(poll (option|choice)|(choice|option) [1-9]\b)/i },
  { name: 'link_title', label: 'link title', labels: /\b(link|article|preview) (title|headline)\b/i },
  {
    name: 'bio',
    label: 'profile bio',
    labels: /\b(bio|biography|about (me|you|yourself)|profile (description|summary)|channel description)\b/i,
    saveLabels: ['save', 'save changes', 'save profile', 'done'],
  },
]);
