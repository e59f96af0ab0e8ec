// The warning banner: its own element on <html>, a closed shadow root, text-only
// rendering (no innerHTML: messages come from rules, previews are masked).
// The host's data-state is the one observable hook for tests and the page:
// idle | pending | clean | flagged | unchecked (and done: an attachment decided).
// An attachment's banner (view.kind 'attachment', content/attachments/) is
// the same card with its own heading, findings "in the image" and buttons.
import { BANNER_CSS } from './banner-style.js';
import { LINK_PREVIEW_NOTE, isLinkFinding } from '../../shared/link-findings.js';
import { OVERRIDE_REASONS } from '../../shared/override-reasons.js';
import { chooseBannerPlacement } from './placement.js';

const TAG = 'postguard-banner';
const KEYS_KEPT_INSIDE = ['keydown', 'keyup', 'keypress', 'beforeinput', 'input', 'paste'];

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-') || ['type', 'aria-live', 'name', 'value'].includes(key)) node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children);
  return node;
}

export function typeLabel(type) {
  const words = String(type ?? 'sensitive data').toLowerCase().replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function safeLink(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

function findingItem(finding) {
  // A finding about the recipient has no span: no preview, its message says it all.
  const children = [el('strong', { text: finding.label ?? typeLabel(finding.type) })];
  if (finding.preview) children.push(' ', el('span', { className: 'preview', text: finding.preview }));
  children.push(el('div', { text: finding.message ?? '' }));
  const href = safeLink(finding.policy_url);
  if (href) children.push(el('a', { href, target: '_blank', rel: 'noopener noreferrer', text: 'Policy' }));
  return el('li', { 'data-rule': finding.rule_id ?? '' }, children);
}

function heading(view) {
  // A secondary field is named ("This image description contains…").
  const what = view.fieldLabel ? `this ${view.fieldLabel}` : 'this post';
  if (view.state === 'unchecked') return `PostGuard could not check ${what}`;
  const n = view.findings.length;
  if (n === 0) return `PostGuard could not check all of ${what}`;
  if (view.findings.every((f) => f.category === 'context')) return 'Before you post';
  const This = what.charAt(0).toUpperCase() + what.slice(1);
  return `${This} contains ${n === 1 ? 'something sensitive' : `${n} sensitive items`}`;
}

// The override form: one reason from a fixed list, and a note that stays here.
function overrideForm(view) {
  const verb = view.kind === 'attachment' ? 'attach' : 'post';
  const legend = `Why is it OK to ${verb} this? (${view.reasonRequired ? 'required' : 'optional'})`;
  const choices = OVERRIDE_REASONS.map(([code, label]) =>
    el('label', { className: 'choice' }, [
      el('input', { type: 'radio', name: 'reason', value: code, 'data-reason': code }),
      ` ${label}`,
    ]),
  );
  return el('form', { hidden: !view.askReason }, [
    el('fieldset', {}, [el('legend', { text: legend }), ...choices]),
    el('label', { text: 'Note (optional; it stays on this page and is never sent)' }),
    el('textarea', { 'data-field': 'note', maxLength: 1000 }),
    el('div', { className: 'actions' }, [
      el('button', { type: 'button', 'data-action': 'confirm-override', className: 'primary', text: view.kind === 'attachment' ? 'Attach' : 'Post' }),
      el('button', { type: 'button', 'data-action': 'cancel-override', text: 'Cancel' }),
    ]),
  ]);
}

// What leaves the banner: the reason code and the note's length, never its text.
export function overrideChoice(root) {
  const reason = root.querySelector('input[name="reason"]:checked')?.value ?? '';
  const note = root.querySelector('textarea[data-field="note"]')?.value ?? '';
  return { reason, noteLength: [...note.trim()].length };
}

export function createBanner({ onAction }) {
  const host = document.createElement(TAG);
  const root = host.attachShadow({ mode: 'closed' });
  const style = el('style', { text: BANNER_CSS });
  const card = el('section', { className: 'card', hidden: true, role: 'alert' });
  root.append(style, card);
  for (const type of KEYS_KEPT_INSIDE) root.addEventListener(type, (e) => e.stopPropagation());
  root.addEventListener('click', (event) => {
    const action = event.target.closest?.('[data-action]')?.getAttribute('data-action');
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    const index = Number.parseInt(event.target.closest('[data-index]')?.getAttribute('data-index') ?? '', 10);
    onAction(action, { ...overrideChoice(root), ...(Number.isInteger(index) ? { index } : {}) });
  });
  let lastView = null;

  function attach() {
    if (!host.isConnected) document.documentElement.append(host);
    host.removeAttribute('style');
    host.removeAttribute('hidden');
  }

  // An attachment: what was found "in the image", and the buttons its outcome
  // allows (view.actions: [{action, label, primary}]), in that order.
  function renderAttachment(view) {
    card.className = `card attachment ${view.source ?? ''} ${view.state}`;
    const parts = [el('h2', { text: view.heading })];
    if (view.notice) parts.push(el('p', { className: 'note', text: view.notice }));
    if (view.findings.length) parts.push(el('ul', {}, view.findings.map(findingItem)));
    const buttons = view.actions.map((a) =>
      el('button', { type: 'button', 'data-action': a.action, className: a.primary ? 'primary' : '', text: a.label }));
    if (buttons.length) parts.push(el('div', { className: 'actions' }, buttons));
    if (view.canOverride) parts.push(overrideForm(view));
    parts.push(el('div', { className: 'status', 'aria-live': 'polite', text: view.status ?? '' }));
    card.replaceChildren(...parts);
  }

  function render(view) {
    if (view.kind === 'attachment') return renderAttachment(view);
    card.className = `card ${view.source ?? ''} ${view.state}`;
    const parts = [el('h2', { text: heading(view) })];
    if (view.notice) parts.push(el('p', { className: 'note', text: view.notice }));
    if (view.findings.length) parts.push(el('ul', {}, view.findings.map(findingItem)));
    // Said once for every link finding, whichever rule found it.
    if (view.findings.some(isLinkFinding)) parts.push(el('p', { className: 'note link-preview', text: LINK_PREVIEW_NOTE }));
    const buttons = [];
    // One "Add disclosure" per distinct text a finding suggests appending.
    const offered = new Set();
    view.findings.forEach((f, i) => {
      if (f.suggestion?.kind !== 'append' || offered.has(f.suggestion.text)) return;
      offered.add(f.suggestion.text);
      buttons.push(el('button', {
        type: 'button', 'data-action': 'add-disclosure', 'data-index': String(i), className: 'primary',
        title: `Adds "${f.suggestion.text}" at the end of your post`, text: 'Add disclosure',
      }));
    });
    if (view.findings.length) {
      buttons.push(el('button', { type: 'button', 'data-action': 'edit', text: 'Edit' }));
      if (view.canMask) buttons.push(el('button', { type: 'button', 'data-action': 'mask', className: 'primary', text: 'Mask' }));
    }
    if (view.canOverride) buttons.push(el('button', { type: 'button', 'data-action': 'post-anyway', text: 'Post anyway' }));
    if (view.findings.length) buttons.push(el('button', { type: 'button', 'data-action': 'report', text: 'Report false positive' }));
    buttons.push(el('button', { type: 'button', 'data-action': 'dismiss', text: 'Close' }));
    parts.push(el('div', { className: 'actions' }, buttons));
    if (view.canOverride) parts.push(overrideForm(view));
    parts.push(el('div', { className: 'status', 'aria-live': 'polite', text: view.status ?? '' }));
    card.replaceChildren(...parts);
  }

  return {
    host,
    update(view) {
      attach();
      host.dataset.state = view.state;
      host.dataset.source = view.source ?? '';
      host.dataset.held = view.held ? '1' : '0';
      host.dataset.count = String(view.findings?.length ?? 0);
      host.dataset.platform = view.platform ?? '';
      if (view.kind) host.dataset.kind = view.kind;
      if (view.outcome !== undefined) host.dataset.outcome = view.outcome;
      if (view.reason !== undefined) host.dataset.reason = view.reason;
      host.dataset.field = view.field ?? '';
      const visible = view.visible;
      const same = lastView && JSON.stringify(lastView) === JSON.stringify(view);
      if (visible && !same) render(view);
      card.hidden = !visible;
      lastView = view;
    },
    setStatus(text) {
      const status = root.querySelector('.status');
      if (status) status.textContent = text;
    },
    showReason() {
      const form = root.querySelector('form');
      if (!form) return;
      form.hidden = false;
      form.querySelector('input[name="reason"]').focus();
    },
    place(editorRect, avoidRects) {
      if (card.hidden) return;
      const rect = card.getBoundingClientRect();
      const pos = chooseBannerPlacement({
        editor: editorRect,
        avoid: avoidRects,
        size: { width: rect.width, height: rect.height },
        viewport: { width: innerWidth, height: innerHeight },
      });
      card.style.left = `${pos.left}px`;
      card.style.top = `${pos.top}px`;
    },
    destroy() {
      host.remove();
    },
  };
}
