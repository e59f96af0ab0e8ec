// The banner of one attachment check (ui/banner.js, kind 'attachment'): a
// "Checking image…" state, then one question at a time (`ask` resolves with
// the button the employee pressed), then what happened. The banner sits next
// to the compose box (`anchor()`); it never covers the Post button.
import { OVERRIDE_REASONS } from '../../shared/override-reasons.js';
import { createBanner, typeLabel } from '../ui/banner.js';
import { whereWords } from './outcome.js';

const DONE_VISIBLE_MS = 8000;
const REASONS = new Set(OVERRIDE_REASONS.map(([code]) => code));

// The findings as the banner lists them: what, where, masked preview, message.
export function attachmentFindings(outcomes) {
  const out = [];
  for (const o of outcomes) {
    for (const f of o.findings) {
      out.push({
        rule_id: f.rule_id,
        type: f.type,
        category: f.category,
        label: `${typeLabel(f.type)} ${whereWords(f)}`,
        preview: f.source === 'metadata' ? '' : (f.preview ?? ''),
        message: outcomes.length > 1 ? `${f.message ?? ''} (${o.file.name})` : (f.message ?? ''),
        policy_url: f.policy_url,
      });
    }
  }
  return out;
}

export function createAttachmentView({ anchor, avoid = () => [], platform }) {
  let pending = null; // resolve() of the open question
  let view = null;
  let doneTimer = 0;
  const banner = createBanner({
    onAction: (action, data) => {
      if (!view) return;
      if (action === 'attach-anyway' && view.canOverride) {
        view = { ...view, askReason: true };
        banner.update(view);
        banner.showReason();
        place();
        return;
      }
      if (action === 'cancel-override') {
        view = { ...view, askReason: false };
        return banner.update(view);
      }
      if (action === 'confirm-override') {
        const reason = REASONS.has(data.reason) ? data.reason : '';
        if (view.reasonRequired && !reason) return banner.setStatus('Please choose why this is OK to attach.');
        return answer({ action: 'attach-anyway', reason, noteLength: data.noteLength ?? 0 });
      }
      if (action === 'dismiss') return close();
      answer({ action });
    },
  });
  banner.host.dataset.kind = 'attachment';

  function place() {
    if (view?.visible) banner.place(anchor(), avoid());
  }

  function show(next) {
    clearTimeout(doneTimer);
    view = { kind: 'attachment', platform, findings: [], actions: [], notice: '', status: '', askReason: false, canOverride: false, reasonRequired: false, held: true, visible: true, ...next };
    banner.update(view);
    place();
  }

  function answer(choice) {
    const resolve = pending;
    pending = null;
    resolve?.(choice);
  }

  function close() {
    clearTimeout(doneTimer);
    answer({ action: 'dismiss' });
    view = view && { ...view, visible: false, state: 'idle', outcome: 'closed', held: false };
    if (view) banner.update(view);
    banner.destroy();
  }

  return {
    host: banner.host,
    checking(count) {
      show({ state: 'pending', outcome: 'checking', heading: count > 1 ? `Checking ${count} images…` : 'Checking image…' });
    },
    /** Shows a question; resolves with {action, reason?, noteLength?}. */
    ask(question) {
      answer({ action: 'superseded' });
      show({ state: 'flagged', ...question });
      return new Promise((resolve) => {
        pending = resolve;
      });
    },
    /** What happened, with a Close button; goes away by itself after a while. */
    done(heading, notice = '') {
      show({ state: 'done', outcome: 'done', heading, notice, held: false, actions: [{ action: 'dismiss', label: 'Close' }] });
      doneTimer = setTimeout(close, DONE_VISIBLE_MS);
    },
    /** Delivered with a notice the employee should read (an offline check). */
    notice(heading, notice) {
      show({ state: 'clean', outcome: 'notice', heading, notice, held: false, actions: [{ action: 'dismiss', label: 'Close' }] });
      doneTimer = setTimeout(close, DONE_VISIBLE_MS);
    },
    reposition: place,
    close,
  };
}
