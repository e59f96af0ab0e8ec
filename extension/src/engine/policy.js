// The admin policy: the action for each finding and the verdict that follows.
// The JS twin of Policy.from_data / Policy.apply in backend/postguard/policy.py,
// so the offline engine decides exactly what the service would; the bundle
// carries the policy (`bundle.policy`). Pure: no chrome.*, no DOM. The data is
// checked against policy.schema.json where it is built, not here.
//
// A rule in simulation (the policy's `simulate`, or `simulate: true` on the
// bundle's rule) runs, but its findings get action 'audit' plus
// `simulated_action` and never change the verdict.
//
// A rule of a regulated wording pack (`pack` on the bundle's rule) is off unless
// the policy's `regulated_packs` lists its pack: its findings are dropped.
// `audiences` (public, reply, followers, dm) override the platform's actions for
// a draft going there; an audience the policy does not list changes nothing.
// An image's findings (`attachment`) first look up the policy's `attachments`
// section (its rules, then its table), then the text actions.
//
//   const policy = compilePolicy(bundle.policy, bundle.rules);
//   const { findings, verdict } = applyPolicy(policy, result.findings, 'x', result.complete, [], 'dm');
const VERDICT_BY_ACTION = Object.freeze({
  audit: 'allow',
  warn: 'warn',
  block_with_override: 'block',
  block: 'block',
});
const VERDICT_RANK = Object.freeze({ allow: 0, warn: 1, block: 2 });

// Maps, not objects: a rule id such as "constructor" must not find
// Object.prototype's member.
const key = (category, severity) => `${category}\u0000${severity}`;

function table(actions) {
  const out = new Map();
  for (const [category, bySeverity] of Object.entries(actions ?? {})) {
    for (const [severity, action] of Object.entries(bySeverity ?? {})) out.set(key(category, severity), action);
  }
  return out;
}

const ruleMap = (rules) => new Map(Object.entries(rules ?? {}));

/** Ids of the bundle rules whose YAML says `simulate: true` (flagged_rule_ids). */
export function flaggedRuleIds(rules) {
  return (rules ?? []).filter((rule) => rule?.simulate === true).map((rule) => rule.id);
}

/** Rule id -> `pack` of the bundle rules that name one (rule_packs). */
export function rulePacks(rules) {
  const packs = new Map();
  for (const rule of rules ?? []) if (rule?.pack !== undefined && rule?.pack !== null) packs.set(rule.id, rule.pack);
  return packs;
}

/**
 * Compile policy data (the shape of shared_rules/policy.yaml) once per bundle;
 * `rules`: the bundle's rules, whose `simulate` flags join the policy's list.
 */
export function compilePolicy(data, rules = []) {
  const baseTable = table(data.actions);
  const baseRules = ruleMap(data.rules);
  const tables = new Map([[null, baseTable]]);
  const actionsByRule = new Map([[null, baseRules]]);
  for (const [name, override] of Object.entries(data.platforms ?? {})) {
    tables.set(name, new Map([...baseTable, ...table(override?.actions)]));
    actionsByRule.set(name, new Map([...baseRules, ...ruleMap(override?.rules)]));
  }
  // Only the audience's own entries: they are looked up before the platform's.
  const audienceTables = new Map();
  const audienceRules = new Map();
  for (const [name, override] of Object.entries(data.audiences ?? {})) {
    audienceTables.set(name, table(override?.actions));
    audienceRules.set(name, ruleMap(override?.rules));
  }
  return Object.freeze({
    mode: data.mode,
    defaultAction: data.default_action,
    onIncomplete: data.on_incomplete ?? 'warn',
    tables,
    rules: actionsByRule,
    audienceTables,
    audienceRules,
    attachmentTable: table(data.attachments?.actions),
    attachmentRules: ruleMap(data.attachments?.rules),
    simulated: new Set([...(data.simulate ?? []), ...flaggedRuleIds(rules)]),
    packs: rulePacks(rules),
    regulatedPacks: new Set(data.regulated_packs ?? []),
  });
}

/** The platform name the policy knows this site by: its own, else "other", else none (null). */
export function policyPlatform(policy, platform) {
  if (typeof platform === 'string' && policy.tables.has(platform)) return platform;
  return policy.tables.has('other') ? 'other' : null;
}

function known(map, platform) {
  if (!map.has(platform)) throw new RangeError(`platform ${platform} is not in the policy`);
  return map.get(platform);
}

/**
 * Strongest first: for an image's finding (`attachment`), the `attachments` rule
 * entry and table entry; then the audience's rule entry, its table entry, the
 * platform's rule entry (merged over the global one), its table, then
 * default_action.
 */
export function actionFor(policy, finding, platform = null, audience = null, attachment = false) {
  if (attachment === true) {
    const action =
      policy.attachmentRules.get(finding.rule_id) || policy.attachmentTable.get(key(finding.category, finding.severity));
    if (action) return action;
  }
  if (typeof audience === 'string' && policy.audienceRules.has(audience)) {
    const action =
      policy.audienceRules.get(audience).get(finding.rule_id) ||
      policy.audienceTables.get(audience).get(key(finding.category, finding.severity));
    if (action) return action;
  }
  const ruleAction = known(policy.rules, platform).get(finding.rule_id);
  if (ruleAction) return ruleAction;
  return known(policy.tables, platform).get(key(finding.category, finding.severity)) ?? policy.defaultAction;
}

function floorVerdict(policy, complete) {
  if (complete) return 'allow';
  return Object.hasOwn(VERDICT_RANK, policy.onIncomplete) ? policy.onIncomplete : 'warn';
}

/** The rule belongs to a regulated wording pack the policy leaves off (Policy.drops). */
export function drops(policy, ruleId) {
  if (!policy.packs.has(ruleId)) return false;
  const pack = policy.packs.get(ruleId);
  return !(typeof pack === 'string' && policy.regulatedPacks.has(pack));
}

/** The whole policy or this rule is in simulation (Policy.simulates). */
export function simulates(policy, ruleId) {
  return policy.mode === 'simulation' || policy.simulated.has(ruleId);
}

/**
 * Findings with their `action` added, and the verdict they lead to (Policy.apply).
 * A simulated finding gets action 'audit' and `simulated_action`, the action it
 * would have had, and leaves the verdict alone. `unlisted`: {rule_id, category,
 * severity} of findings past the engine's cap; they count for the verdict
 * (unless simulated) but are not returned. `audience`: where the draft goes
 * (public, reply, followers, dm), for the policy's `audiences`. `attachment`:
 * the findings are an image's (the policy's `attachments` section).
 */
export function applyPolicy(policy, findings, platform, complete, unlisted = [], audience = null, attachment = false) {
  let verdict = floorVerdict(policy, complete);
  const stronger = (action) => {
    const implied = VERDICT_BY_ACTION[action];
    if (VERDICT_RANK[implied] > VERDICT_RANK[verdict]) verdict = implied;
  };
  const decided = findings.filter((finding) => !drops(policy, finding.rule_id)).map((finding) => {
    const action = actionFor(policy, finding, platform, audience, attachment);
    if (simulates(policy, finding.rule_id)) return { ...finding, action: 'audit', simulated_action: action };
    stronger(action);
    return { ...finding, action };
  });
  for (const kind of unlisted) if (!simulates(policy, kind.rule_id) && !drops(policy, kind.rule_id)) stronger(actionFor(policy, kind, platform, audience, attachment));
  return { findings: decided, verdict: policy.mode === 'simulation' ? 'allow' : verdict };
}
