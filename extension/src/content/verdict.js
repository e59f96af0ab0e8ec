// Turns a scan result into what the guard does: hold or not, what the banner
// shows, which actions policy allows. Pure; unit-tested.
//
// Every action comes from the policy: the service's, or the same policy applied
// by the offline engine (engine/policy.js). A result that is not complete is
// never clean: it is held like a warning, with a notice that says why.
import { POLICY_ACTIONS as ACTIONS } from '../shared/policy-actions.js';

// Only a malformed answer lacks a known action: held, and posting needs a reason.
const UNKNOWN_ACTION = 'block_with_override';
const BLOCKING = new Set(['block', 'block_with_override']);
const NOT_RUN_LISTED = 6;

export const NOTICES = Object.freeze({
  offline: 'Limited protection: the PostGuard service is not reachable, so only the built-in rules checked this post.',
  unpaired: 'Limited protection: PostGuard is not paired with its service, so only the built-in rules checked this post.',
  busy: 'The PostGuard service is busy right now, so the built-in rules checked this post.',
  refused: 'The PostGuard service could not check this post, so the built-in rules did.',
  outOfTime: 'PostGuard ran out of time checking this post.',
  partial: 'Part of this post could not be checked.',
  closed: 'Your organisation requires the full check before posting.',
  unchecked: 'The PostGuard service is not running and this post could not be checked.',
  reload: 'PostGuard was updated or restarted: reload this tab to protect this post.',
});

export function tooLongNotice(maxChars) {
  if (!Number.isInteger(maxChars)) return NOTICES.partial;
  return `Only the first ${maxChars.toLocaleString('en-US')} characters were checked.`;
}

export function notRunNotice(notRun) {
  const names = notRun.map((r) => r.name || r.rule_id);
  const shown = names.slice(0, NOT_RUN_LISTED).join(', ');
  const more = names.length > NOT_RUN_LISTED ? ` and ${names.length - NOT_RUN_LISTED} more` : '';
  return `Not checked offline: ${shown}${more}.`;
}

function offlineNotice(reason) {
  if (reason === 'busy') return NOTICES.busy;
  if (reason === 'unpaired') return NOTICES.unpaired;
  if (reason === 'rejected') return NOTICES.refused; // e.g. 413: our service, refusing this draft
  return NOTICES.offline;
}

// One sentence per kind of gap, in a fixed order.
function incompleteNotices(result) {
  const reasons = new Set((result.incomplete ?? []).map((i) => i.reason));
  const notices = [];
  if (reasons.has('too_long')) notices.push(tooLongNotice(result.max_chars));
  if (reasons.has('budget') || reasons.has('timeout')) notices.push(NOTICES.outOfTime);
  if (!notices.length) notices.push(NOTICES.partial);
  return notices;
}

export function evaluate(result, { failPolicy = 'open' } = {}) {
  const source = result?.source ?? 'unchecked';
  const closed = failPolicy === 'closed';
  const base = { source, rulesVersion: result?.rules_version ?? '', audit: [], reasonRequired: false };
  if (source === 'unchecked' || !Array.isArray(result?.findings)) {
    const why = result?.reason === 'extension-reloaded' ? NOTICES.reload : NOTICES.unchecked;
    const notice = closed ? `${why} ${NOTICES.closed}` : why;
    return { ...base, state: 'unchecked', findings: [], hold: closed, canOverride: false, notice };
  }
  const findings = result.findings.map((f) => ({
    ...f,
    action: ACTIONS.includes(f.action) ? f.action : UNKNOWN_ACTION,
  }));
  const shown = findings.filter((f) => f.action !== 'audit');
  const audit = findings.filter((f) => f.action === 'audit');
  const offline = source === 'offline';
  // Simulation mode shows nothing, the gap included (the policy's verdict is allow).
  const incomplete = result.complete === false && result.mode !== 'simulation';
  const closedGap = closed && (offline || incomplete);
  const notices = [];
  if (offline) notices.push(offlineNotice(result.reason));
  if (incomplete) notices.push(...incompleteNotices(result));
  if (offline && result.not_run?.length) notices.push(notRunNotice(result.not_run));
  if (closedGap) notices.push(NOTICES.closed);
  const notice = notices.join(' ');
  if (shown.length === 0 && (!incomplete || closedGap)) {
    const state = closedGap ? 'unchecked' : 'clean';
    return { ...base, audit, state, findings: [], hold: closedGap, canOverride: false, notice };
  }
  // The policy's on_incomplete may make the gap itself a block.
  const gapBlocks = incomplete && result.verdict === 'block' && !shown.some((f) => BLOCKING.has(f.action));
  return {
    ...base,
    audit,
    state: 'flagged',
    incomplete,
    findings: shown,
    hold: true,
    canOverride: !closedGap && !gapBlocks && !shown.some((f) => f.action === 'block'),
    reasonRequired: shown.some((f) => f.action === 'block_with_override'),
    notice,
  };
}
