// The banner's buttons. Nothing here changes the post unless the employee asked
// for it (Mask), and Mask goes through the editor's own input path.
import { caretOffset, placeCaret, selectSpan } from './editors/selection.js';
import { MSG } from '../shared/message-types.js';
import { MAX_NOTE_LENGTH, REASON_CODES } from '../shared/override-reasons.js';
import { findingSpans, maskable, suggestionOf } from './session-view.js';
import { maskValue } from '../shared/mask-value.js';
import { POLICY_ACTIONS, strongerAction } from '../shared/policy-actions.js';
import { editingHostAt, readModel, readText } from './editors/text-model.js';
import { replaceSpan } from './editors/replace-text.js';

// Rules in simulation among `findings`, each with the strongest action it
// would have had: what admins count before they enforce a rule.
function simulatedOf(findings) {
  const strongest = new Map();
  for (const { rule_id: ruleId, simulated_action: action } of findings) {
    if (POLICY_ACTIONS.includes(action)) strongest.set(ruleId, strongerAction(strongest.get(ruleId), action));
  }
  return [...strongest].map(([ruleId, action]) => ({ rule_id: ruleId, action }));
}

function eventFor(session, action, extra = {}, findings = session.verdict.findings ?? []) {
  const simulated = simulatedOf(findings);
  return {
    rule_ids: [...new Set(findings.map((f) => f.rule_id))],
    categories: [...new Set(findings.map((f) => f.category))],
    action,
    platform: session.adapter.platform,
    rules_version: session.verdict.rulesVersion || 'unknown',
    ...(session.field ? { field: session.field.name } : {}),
    ...(simulated.length ? { simulated } : {}),
    ...extra,
  };
}

export async function recordEvent(env, session, action, extra, findings) {
  try {
    return await env.send({ type: MSG.EVENT, event: eventFor(session, action, extra, findings) });
  } catch {
    return { recorded: false };
  }
}

async function mask(session, env) {
  const { el } = session;
  const text = readText(el);
  const caret = caretOffset(el);
  const spans = findingSpans(text, session.verdict.findings.filter(maskable)).sort((a, b) => b.start - a.start);
  let failed = 0;
  for (const { start, end } of spans) {
    const expected = text.slice(start, end);
    const ok = await replaceSpan(el, session.kind, { start, end, expected, text: maskValue(expected) });
    if (!ok) failed++;
  }
  // Masking keeps the text length, so the caret goes back exactly where it was.
  placeCaret(el, caret ?? readText(el).length);
  if (failed) {
    session.view.setStatus('This editor did not accept the change. Please edit the text yourself.');
    return;
  }
  recordEvent(env, session, 'masked');
  session.noteInput(0);
}

// "Add disclosure": the suggested text goes at the end of the draft, through
// the editor's own input path (a space first if the draft does not end in
// one). Only on the employee's click; nothing already typed is touched.
async function appendSuggestion(session, env, index) {
  const suggestion = suggestionOf(session.verdict.findings?.[index]);
  if (!suggestion) return;
  const { el } = session;
  const text = readText(el);
  const gap = text && !/\s$/.test(text) ? ' ' : '';
  const ok = await replaceSpan(el, session.kind, {
    start: text.length, end: text.length, expected: '', text: `${gap}${suggestion.text}`,
  });
  if (!ok) {
    session.view.setStatus(`This editor did not accept the change. Please add "${suggestion.text}" yourself.`);
    return;
  }
  placeCaret(el, readText(el).length);
  recordEvent(env, session, 'edited');
  session.noteInput(0);
}

export function createActionHandler(env) {
  return async function onAction(session, action, { reason = '', noteLength = 0, index = -1 } = {}) {
    const view = session.view;
    switch (action) {
      case 'edit': {
        const model = readModel(session.el);
        const [first] = findingSpans(model.text, session.verdict.findings.filter((f) => f.end > f.start));
        editingHostAt(model, first?.start ?? 0).focus({ preventScroll: false });
        if (first) selectSpan(session.el, first.start, first.end);
        recordEvent(env, session, 'edited');
        return;
      }
      case 'mask':
        return mask(session, env);
      case 'add-disclosure':
        return appendSuggestion(session, env, index);
      case 'post-anyway':
        session.ui.askReason = true;
        view.render();
        view.showReason();
        return;
      case 'cancel-override':
        session.ui.askReason = false;
        return view.render();
      case 'confirm-override': {
        const code = REASON_CODES.includes(reason) ? reason : '';
        if (session.verdict.reasonRequired && !code) {
          view.setStatus('Please choose why this is OK to post.');
          return;
        }
        // The note itself never leaves the page: only how long it was.
        const extra = code ? { reason: code, note_length: Math.min(noteLength, MAX_NOTE_LENGTH) } : {};
        const reply = await recordEvent(env, session, 'overridden', extra);
        session.ui.askReason = false;
        session.ui.status = reply?.recorded ? '' : 'Your reason will be recorded when the service is back.';
        env.release(session);
        return;
      }
      case 'report': {
        const reply = await recordEvent(env, session, 'reported_false_positive', { reason: 'false_positive' });
        view.setStatus(reply?.recorded ? 'Reported to your administrator. Thank you.' : 'Could not reach the service; the report is queued.');
        return;
      }
      case 'dismiss':
        if (session.held) recordEvent(env, session, 'cancelled');
        session.dismiss();
        return;
      default:
    }
  };
}
