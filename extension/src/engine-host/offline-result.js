// What the offline engine answers: the engine's result with the context guards'
// findings added and the policy's action on each finding and the policy's
// verdict, exactly as the service would decide (backend/postguard/decide.py,
// engine/policy.js). Pure; shared by the engine worker and its watchdog.
//
//   const guarded = withGuards(result, compileGuards(bundle), { text, context, platform, bundle, policyData });
//   decide(policy, guarded, platform, ruleKinds(compiled, result.omitted_rules), context);
import { compileGuards, contextFindings } from '../engine/guards/index.js';
import { applyPolicy, policyPlatform } from '../engine/policy.js';

const SEVERITY_RANK = Object.freeze({ critical: 0, high: 1, medium: 2, low: 3 });
// A guarded result -> the kinds of the guard findings the cap left out, which
// decide() counts for the verdict (Decision.omitted in decide.py).
const CUT = new WeakMap();

/** The device's local date, YYYY-MM-DD (quiet periods are local dates; not toISOString, which is UTC). */
export function localDate(now = new Date()) {
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${pad(now.getFullYear(), 4)}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const byPosition = (a, b) => a.start - b.start || a.end - b.end || (a.rule_id < b.rule_id ? -1 : a.rule_id > b.rule_id ? 1 : 0);

/** The most severe `limit` findings (ties by position) by position, and the rest (cap_findings). */
export function capFindings(findings, limit) {
  if (findings.length <= limit) return [findings, []];
  const ranked = [...findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || byPosition(a, b));
  return [ranked.slice(0, limit).sort(byPosition), ranked.slice(limit)];
}

// Listed in not_run when the policy configures the guards but they cannot run
// here (a bundle older than the guards).
export const GUARDS_NOT_RUN = Object.freeze({ rule_id: 'context-guards', name: 'Context checks (lookalike accounts, disclosure, quiet periods)' });

const usesGuards = (policyData) => Boolean(policyData?.organization || policyData?.quiet_periods?.length);

/**
 * The engine's result plus the context guards' findings for `text`, kept to the
 * bundle's max_findings as decide.py keeps them: the findings the cap leaves
 * out are counted in `findings_omitted` and, by decide(), for the verdict.
 * `guards`: compileGuards(bundle), the engine/guards module, or null (compiled
 * here from `bundle`); `context`: the scan's {audience, targets, groups};
 * `groups`: the device's own; `today`: the local date.
 */
export function withGuards(result, guards, { text, context = null, platform = null, bundle = null, policyData = null, today = localDate(), groups = [] }) {
  const run = typeof guards?.contextFindings === 'function' ? guards.contextFindings : contextFindings;
  const guardData = guards?.compiledGuards ? guards : compileGuards(bundle);
  if (guardData === null && run === contextFindings) {
    return usesGuards(policyData) ? { ...result, not_run: [...(result.not_run ?? []), GUARDS_NOT_RUN] } : result;
  }
  if (!policyData) return result;
  const found = run(text, { context, policyData, guardData, platform, today, groups });
  if (!Array.isArray(found) || !found.length) return result;
  const limit = Number(bundle?.defaults?.max_findings);
  const [findings, cut] = limit > 0 ? capFindings([...result.findings, ...found], limit) : [[...result.findings, ...found], []];
  const guarded = { ...result, findings, findings_omitted: (result.findings_omitted ?? 0) + cut.length };
  if (cut.length) CUT.set(guarded, cut.map(({ rule_id: ruleId, category, severity }) => ({ rule_id: ruleId, category, severity })));
  return guarded;
}

/**
 * The engine's result decided by the policy (none: the engine's own verdict, no
 * actions). `unlisted`: the kinds of the findings past the engine's cap;
 * `context`: the scan's context (or its audience alone), whose `audience`
 * (public, reply, followers, dm) selects the policy's `audiences` override;
 * `attachment`: the findings are an image's (the policy's `attachments` section).
 */
export function decide(policy, result, platform, unlisted = [], context = null, attachment = false) {
  if (!policy) return result;
  const where = policyPlatform(policy, platform);
  const audience = typeof context === 'string' ? context : (context?.audience ?? null);
  const kinds = [...unlisted, ...(CUT.get(result) ?? [])];
  const { findings, verdict } = applyPolicy(policy, result.findings, where, result.complete, kinds, audience, attachment);
  return { ...result, findings, verdict, mode: policy.mode };
}

/** The answer when the engine did not finish in time: nothing found, not complete. */
export function timedOut(policy, { version, notRun = [] }, platform) {
  const result = {
    verdict: 'warn',
    findings: [],
    rules_version: version,
    complete: false,
    incomplete: [{ rule_id: null, reason: 'timeout' }],
    findings_omitted: 0,
    omitted_rules: [],
    not_run: notRun,
  };
  return decide(policy, result, platform);
}
