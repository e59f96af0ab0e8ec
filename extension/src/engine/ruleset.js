// Load a bundle and compile it once: patterns, validators, allowlists, context.
// The twin of backend/postguard/engine/ruleset.py. Compiled bundles are cached by
// bundle version (a build's version carries a hash of its content).
import { Allowlist } from './allow.js';
import { Fold, compileSection } from './hashed-terms.js';
import { SEVERITY_ORDER } from './candidates.js';
import { NormalizationTable } from './normalize.js';
import { orgRules } from './org.js';
import { PortablePattern } from './pattern.js';
import { ScanPlan } from './plan.js';
import { VALIDATORS } from './validators/index.js';

export const RUNTIME = 'js';
const CACHE_SIZE = 8;
const cache = new Map();

export class BundleError extends Error {}

/** Python's round() for score arithmetic: half to even, like round(x * 100). */
export function pyRound(x) {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest < 0.5) return floor;
  if (rest > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

export const percent = (score) => pyRound(Number(score) * 100);

function required(rule, field) {
  if (rule[field] === undefined) throw new BundleError(`rule ${rule.id ?? '?'}: missing ${field}`);
  return rule[field];
}

// `shared`: each validator's bundle-wide params (the bundle's
// validators.<name>.params), which the rule's own params override.
function compileValidator(spec, shared) {
  const module = VALIDATORS[spec.name];
  if (!module) throw new Error(`no JS validator named ${spec.name}`);
  const boost = spec.boost ?? module.DEFAULT_BOOST;
  const params = { ...(shared[spec.name] ?? {}), ...(spec.params ?? {}) };
  // A validator may check its params once, at load (the twin of prepare() in Python).
  module.prepare?.(params);
  return { name: spec.name, validate: module.validate, params, boost: percent(boost) };
}

/** The bundle-wide params of each validator that has some. */
function sharedParams(specs) {
  const shared = {};
  for (const [name, spec] of Object.entries(specs ?? {})) {
    const params = spec?.params ?? {};
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new BundleError(`bundle: validators.${name}.params must be an object`);
    }
    shared[name] = params;
  }
  return shared;
}

// What decides a rule's candidates (the twin of DETECTION_FIELDS in ruleset.py);
// the rest only labels them.
const DETECTION_FIELDS = [
  'pattern', 'flags', 'keywords', 'min_digits', 'gate', 'reach', 'builtin',
  'validators', 'shrink', 'score', 'context', 'escalate', 'allow',
];

/** The pattern's own reach (`reach.match_*`), where the bundle gives one. */
function ownReach(rule, key) {
  const own = rule.reach?.match_behind !== undefined && rule.reach?.match_ahead !== undefined;
  return own ? reachOf(rule, `match_${key}`) : reachOf(rule, key);
}

/** A bundle reach (code points) for the anchored scan; null: no bound. */
function reachOf(rule, key) {
  const value = rule.reach?.[key];
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`reach.${key} must be an integer >= 0 or null`);
  }
  return value;
}

function compileContext(spec) {
  if (!spec) return null;
  return {
    pattern: new PortablePattern(spec.pattern, 'i'),
    window: Math.trunc(Number(spec.window)),
    required: spec.mode === 'required',
    boost: percent(spec.boost ?? 0),
    // The longest text one word can match (a blank matches up to 3 separators),
    // in code points, as CompiledContext.max_match in Python.
    maxMatch: Math.max(...spec.words.map((w) => [...w].length + 2 * (w.split(' ').length - 1))),
  };
}

/** `escalate`: a launch word or date this near raises the severity (CompiledEscalation). */
function compileEscalation(spec) {
  if (!spec) return null;
  if (!SEVERITY_ORDER.includes(spec.severity)) {
    throw new Error(`escalate: unknown severity ${JSON.stringify(spec.severity)}`);
  }
  for (const name of ['window', 'max_match']) {
    if (!Number.isInteger(spec[name]) || spec[name] < 0) {
      throw new Error(`escalate.${name} must be an integer >= 0`);
    }
  }
  return {
    pattern: new PortablePattern(spec.pattern, ''),
    window: spec.window,
    severity: spec.severity,
    maxMatch: spec.max_match,
  };
}

export function compileRule(rule, shared = {}) {
  const id = rule.id ?? '?';
  try {
    if (rule.builtin) throw new Error(`builtin ${rule.builtin} is backend-only`);
    if (!SEVERITY_ORDER.includes(required(rule, 'severity'))) {
      throw new Error(`unknown severity ${JSON.stringify(rule.severity)}`);
    }
    const pattern = new PortablePattern(required(rule, 'pattern'), rule.flags ?? '', 'gud');
    const groups = pattern.groupNames();
    return {
      id,
      name: rule.name ?? id,
      category: required(rule, 'category'),
      type: required(rule, 'type'),
      severity: required(rule, 'severity'),
      priority: Math.trunc(Number(rule.priority ?? 0)),
      message: required(rule, 'message'),
      policyUrl: rule.policy_url ?? '',
      pattern,
      valueGroup: groups.includes('value'),
      headGroup: groups.includes('head'),
      keywords: (rule.keywords ?? []).map((k) => k.toLowerCase()),
      minDigits: Math.trunc(Number(rule.min_digits ?? 0)),
      // A pattern every match contains: the rule runs only near its matches.
      gate: rule.gate ? new PortablePattern(rule.gate, rule.flags ?? '') : null,
      behind: reachOf(rule, 'behind'),
      ahead: reachOf(rule, 'ahead'),
      // Around an anchor inside the match (digit run, gate match, factor); the
      // keywords of a context rule may lie a context window away from it.
      matchBehind: ownReach(rule, 'behind'),
      matchAhead: ownReach(rule, 'ahead'),
      keywordFirst: rule.reach?.keyword_first === true,
      detectionKey: JSON.stringify(DETECTION_FIELDS.map((name) => rule[name] ?? null)),
      shrink: Boolean(rule.shrink),
      validators: (rule.validators ?? []).map((spec) => compileValidator(spec, shared)),
      base: percent(rule.score ?? 0.5),
      context: compileContext(rule.context),
      escalate: compileEscalation(rule.escalate),
      allow: new Allowlist(rule.allow),
      // Labels hashed confidential terms: found by their hashes, never by its pattern.
      hashed: rule.hashed === true,
    };
  } catch (error) {
    if (error instanceof BundleError) throw error;
    throw new BundleError(`rule ${id}: ${error.name}: ${error.message}`, { cause: error });
  }
}

function globalAllowlist(spec) {
  try {
    return new Allowlist(spec);
  } catch (error) {
    throw new BundleError(`global allowlist: ${error.name}: ${error.message}`, { cause: error });
  }
}

/** The limits every scan relies on (the twin of _check_defaults in ruleset.py). */
function checkDefaults(defaults) {
  for (const key of ['max_chars', 'max_findings']) {
    if (!Number.isInteger(defaults?.[key]) || defaults[key] < 1) {
      throw new BundleError(`bundle: defaults.${key} must be an integer >= 1`);
    }
  }
  for (const key of ['budget_ms', 'rule_timeout_ms']) {
    if (typeof defaults[key] !== 'number' || !(defaults[key] >= 0)) {
      throw new BundleError(`bundle: defaults.${key} must be a number >= 0`);
    }
  }
}

function compileUncached(bundle) {
  if (bundle?.format !== 1) throw new BundleError(`unsupported bundle format: ${bundle?.format}`);
  checkDefaults(bundle.defaults);
  const table = new NormalizationTable(bundle.normalization);
  let extra;
  let hashed;
  try {
    extra = orgRules(bundle, table);
    const fold = bundle.term_fold === undefined ? null : new Fold(bundle.term_fold);
    const section = compileSection(bundle, fold);
    hashed = section.hashed;
    extra.push(...section.rules);
  } catch (error) {
    throw new BundleError(`bundle: ${error.message}`, { cause: error });
  }
  const byId = [...bundle.rules, ...extra].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < byId.length; i += 1) {
    if (byId[i].id === byId[i - 1].id) throw new BundleError(`bundle: two rules have the id ${JSON.stringify(byId[i].id)}`);
  }
  const runs = (rule) => (rule.runtimes ?? ['python', RUNTIME]).includes(RUNTIME);
  const shared = sharedParams(bundle.validators);
  const rules = byId.filter(runs).map((rule) => compileRule(rule, shared));
  // The large patterns built from the organisation's lists and for escalate are
  // compiled here, not in the first scan's budget.
  const built = new Set(extra.map((rule) => rule.id));
  for (const rule of rules) {
    if (built.has(rule.id)) rule.pattern.warm();
    rule.escalate?.pattern.warm();
  }
  const severity = (rule) => -SEVERITY_ORDER.indexOf(rule.severity);
  // Most severe first (then by id): when the budget runs short, a card or a key
  // is looked for before an email address.
  const scanOrder = Object.freeze([...rules].sort((a, b) => severity(a) - severity(b)));
  return Object.freeze({
    version: bundle.version,
    defaults: bundle.defaults,
    table,
    digitRun: new PortablePattern(bundle.prefilter.digit_run),
    allow: globalAllowlist(bundle.allow),
    rules: Object.freeze(rules),
    scanOrder,
    // Hashed terms are found by their hashes, not by a pattern (scan.js).
    plan: new ScanPlan(scanOrder.filter((rule) => !rule.hashed)),
    hashed,
    // Rules the bundle marks as not runnable here (backend-only builtins/validators):
    // every result lists them in `not_run`.
    notRun: Object.freeze(
      byId.filter((rule) => !runs(rule)).map((rule) => ({ id: rule.id, name: rule.name ?? rule.id })),
    ),
  });
}

/** Compile a parsed bundle (cached by `bundle.version` and its `org` lists,
 * which the service adds without changing the version). */
export function compileBundle(bundle) {
  if (typeof bundle?.version !== 'string') return compileUncached(bundle);
  const key = bundle.org === undefined ? bundle.version : `${bundle.version}\u0000${JSON.stringify(bundle.org)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const compiled = compileUncached(bundle);
  cache.set(key, compiled);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value);
  return compiled;
}

/** {rule_id, category, severity} of each rule named (for a policy that must count
 * findings a result does not list, its `omitted_rules`). */
export function ruleKinds(compiled, ruleIds) {
  const byId = new Map(compiled.rules.map((rule) => [rule.id, rule]));
  return (ruleIds ?? [])
    .filter((id) => byId.has(id))
    .map((id) => ({ rule_id: id, category: byId.get(id).category, severity: byId.get(id).severity }));
}
