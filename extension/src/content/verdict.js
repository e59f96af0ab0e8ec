// Turns a scan result into what the guard does: hold or not, what the banner
// shows, which actions policy allows. Pure; unit-tested.
const ACTIONS = ['audit', 'warn', 'block_with_override', 'block'];

// The offline engine returns no policy actions: derive them from severity.
export function defaultAction(severity) {
  return severity === 'critical' || severity === 'high' ? 'block_with_override' : 'warn';
}

export const NOTICES = Object.freeze({
  offline: 'Limited protection: the PostGuard service is not running, so only the built-in rules checked this post.',
  closed: 'Your organisation requires the full check before posting.',
  partial: 'Part of this post could not be checked.',
  unchecked: 'The PostGuard service is not running and this post could not be checked.',
  reload: 'PostGuard was updated or restarted: reload this tab to protect this post.',
});

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
    action: ACTIONS.includes(f.action) ? f.action : defaultAction(f.severity),
  }));
  const shown = findings.filter((f) => f.action !== 'audit');
  const audit = findings.filter((f) => f.action === 'audit');
  const gap = source === 'offline' || result.complete === false;
  const closedGap = gap && closed;
  const notices = [];
  if (source === 'offline') notices.push(NOTICES.offline);
  else if (result.complete === false) notices.push(NOTICES.partial);
  if (closedGap) notices.push(NOTICES.closed);
  const notice = notices.join(' ');
  if (shown.length === 0) {
    return { ...base, audit, state: closedGap ? 'unchecked' : 'clean', findings: [], hold: closedGap, canOverride: false, notice };
  }
  return {
    ...base,
    audit,
    state: 'flagged',
    findings: shown,
    hold: true,
    canOverride: !closedGap && !shown.some((f) => f.action === 'block'),
    reasonRequired: shown.some((f) => f.action === 'block_with_override'),
    notice,
  };
}
