// What the offline engine answers: the engine's result with the policy's action
// on each finding and the policy's verdict, exactly as the service would decide
// (engine/policy.js). Pure; shared by the engine worker and its watchdog.
import { applyPolicy, policyPlatform } from '../engine/policy.js';

/**
 * The engine's result decided by the policy (none: the engine's own verdict, no
 * actions). `unlisted`: the kinds of the findings past the engine's cap.
 */
export function decide(policy, result, platform, unlisted = []) {
  if (!policy) return result;
  const where = policyPlatform(policy, platform);
  const { findings, verdict } = applyPolicy(policy, result.findings, where, result.complete, unlisted);
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
