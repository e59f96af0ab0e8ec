// What a session shows: the banner (created on first use), and the highlights
// (Highlight API on contenteditable, mirror overlay on textarea).
import { clearHighlights, setHighlights } from './ui/highlights.js';
import { codePointToUtf16 } from '../shared/offsets.js';
import { createBanner } from './ui/banner.js';
import { createTextareaOverlay } from './ui/textarea-overlay.js';
import { rangeFor, readModel } from './editors/text-model.js';
import { rectOf } from './dom.js';

const CONTROL_TTL_MS = 2000;

// UTF-16 spans of the findings in `text`.
export function findingSpans(text, findings) {
  const offsets = codePointToUtf16(text, findings.flatMap((f) => [f.start, f.end]));
  return findings.map((f, i) => ({ finding: f, start: offsets[2 * i], end: offsets[2 * i + 1] }));
}

// A finding about the text itself (not about who it goes to, start == end).
export const hasSpan = (f) => Number.isInteger(f.start) && Number.isInteger(f.end) && f.end > f.start;

// Masking hides a value; the context guards' findings (an organisation's name,
// a handle) are not values to hide: they are answered by editing or disclosing.
export const maskable = (f) => hasSpan(f) && f.category !== 'context';

const MAX_SUGGESTION = 200;

// The one kind of suggestion the banner offers: text to append ("Add disclosure").
export function suggestionOf(finding) {
  const s = finding?.suggestion;
  if (s?.kind !== 'append' || typeof s.text !== 'string') return null;
  const text = s.text.trim();
  return text && text.length <= MAX_SUGGESTION ? { kind: 'append', text } : null;
}

function bannerView(session) {
  const v = session.verdict;
  const held = Boolean(session.held);
  const checking = held && session.state === 'pending';
  const flagged = session.state === 'flagged' && !session.isDismissed();
  // Never silently unprotected: an unchecked post always says so.
  const unchecked = session.state === 'unchecked' && !session.isDismissed();
  return {
    state: session.state,
    platform: session.adapter.platform,
    field: session.field?.name ?? '',
    fieldLabel: session.field?.label ?? '',
    source: v.source ?? '',
    findings: flagged ? v.findings.map((f) => ({
      rule_id: f.rule_id,
      type: f.type,
      category: f.category,
      preview: hasSpan(f) ? f.preview : '',
      message: f.message,
      policy_url: f.policy_url,
      suggestion: suggestionOf(f),
    })) : [],
    notice: checking ? `Checking this ${session.field?.label ?? 'post'} before it goes out…` : v.notice ?? '',
    canOverride: flagged && v.canOverride,
    reasonRequired: Boolean(v.reasonRequired),
    canMask: flagged && v.findings.some(maskable),
    askReason: session.ui.askReason,
    held,
    status: session.ui.status,
    visible: flagged || unchecked || checking,
  };
}

// `otherEditors()`: the rects of the page's other guarded editors (a post's
// title and body): the banner keeps off them too, so they stay clickable.
export function createSessionView(session, { onAction, otherEditors = () => [] }) {
  let banner = null;
  let overlay = null;
  let control = null;
  let controlAt = -Infinity;

  function submitRects() {
    if (performance.now() - controlAt > CONTROL_TTL_MS) {
      control = session.adapter.findSubmitControl(session.el);
      controlAt = performance.now();
    }
    return control?.isConnected ? [rectOf(control)] : [];
  }

  const avoidRects = () => [...submitRects(), ...otherEditors()];

  function paintHighlights(flagged) {
    const model = readModel(session.el);
    // A finding about the recipient (start == end) has nothing to highlight.
    const spans = flagged ? findingSpans(model.text, session.verdict.findings.filter(hasSpan)) : [];
    if (model.field) {
      overlay ??= createTextareaOverlay(session.el);
      overlay.show(spans);
      return;
    }
    const ranges = spans.map((s) => rangeFor(model, s.start, s.end)).filter(Boolean);
    setHighlights(session, session.el, ranges);
  }

  const view = {
    setState(state) {
      if (banner) banner.host.dataset.state = state;
      if (state === 'pending') overlay?.hide();
    },
    render() {
      banner ??= createBanner({ onAction: (action, data) => onAction(session, action, data) });
      const model = bannerView(session);
      banner.update(model);
      paintHighlights(model.findings.length > 0);
      if (model.visible) banner.place(rectOf(session.el), avoidRects());
    },
    reposition() {
      overlay?.reposition();
      if (banner) banner.place(rectOf(session.el), avoidRects());
    },
    showReason() {
      banner?.showReason();
      view.reposition(); // the card grew: keep it off the Post button
    },
    setStatus(text) {
      session.ui.status = text;
      banner?.setStatus(text);
    },
    destroy() {
      banner?.destroy();
      overlay?.hide();
      clearHighlights(session);
    },
  };
  return view;
}
