// What the offline engine answers: the engine's result with the policy's action
// on each finding and the policy's verdict, exactly as the service would decide
// (engine/policy.js). Pure; shared by the engine worker and its watchdog.
import { applyPolicy, policyPlatform } from '../engine/policy.js';

/**
 * The engine's result decided by the policy (none: the engine's own verdict, no
 * actions). `unlisted`: the kinds of the findings past the engine's cap;
 * `audience`: where the draft goes, from the scan's context.
 */
export function decide(policy, result, platform, unlisted = [], audience = null) {
  if (!policy) return result;
  const where = policyPlatform(policy, platform);
  // `audience` (public, reply, followers, dm): for the policy's `audiences`.
  const { findings, verdict } = applyPolicy(policy, result.findings, where, result.complete, unlisted, audience);
  return { ...result, findings, verdict, mode: policy.mode };
}

export const GUARDS_NOT_RUN = Object.freeze({ rule_id: 'context-guards', name: 'Context checks (lookalike accounts, disclosure, quiet periods)' });

// The device's local date, YYYY-MM-DD (quiet periods are local dates).
export function localDate(now = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const usesGuards = (policyData) => Boolean(policyData?.organization || policyData?.quiet_periods?.length);

/**
 * The engine's result plus the context guards' findings, when this build has
 * the guards (`guards`: engine/guards/index.js, or null). Without them, a
 * policy that configures guards gets them listed as not run offline.
 */
export function withGuards(result, guards, { text, context, platform, bundle, policyData, today = localDate() }) {
  if (typeof guards?.contextFindings !== 'function') {
    if (!usesGuards(policyData)) return result;
    return { ...result, not_run: [...(result.not_run ?? []), GUARDS_NOT_RUN] };
  }
  const found = guards.contextFindings(text, {
    context: context ?? { audience: 'unknown', targets: [] },
    policyData,
    guardData: bundle?.guards ?? null,
    platform,
    today,
    groups: context?.groups ?? [],
  });
  return Array.isArray(found) && found.length ? { ...result, findings: [...result.findings, ...found] } : result;
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
