// Context guards: who a draft talks to, about whom, and when (issue 14). The JS
// twin of backend/postguard/engine/guards/__init__.py, run by the offline
// engine; tests/conformance/guard_cases.json holds both to the same findings.
// Pure: no chrome.*, no DOM.
//
//   const guards = compileGuards(bundle); // once per bundle; null without guards
//   contextFindings(text, { context, policyData, guardData: guards, platform: 'x',
//                           today: '2026-12-02', groups: ['finance'] });
//
// The organisation's names, handles and quiet periods come from the policy
// (`organization`, `quiet_periods`), the word lists from the bundle. Without
// `organization` nothing runs. Offsets are code points, as in Python.
import { CodePointIndex } from '../code-points.js';
import { Fold } from '../hashed-terms.js';
import { maskedPreview } from '../mask.js';
import { undisclosedMention } from './disclosure.js';
import { HandleRules, impostorSpans } from './handles.js';
import { activeWindow, resultsMention } from './quiet-period.js';
import { namesPattern, wordsPattern } from './words.js';

export const CATEGORY = 'context';
export const RULE_IDS = Object.freeze(['affiliation-disclosure', 'impostor-handle', 'quiet-period']);

const COMPILED = new WeakMap(); // bundle -> its compiled guards (or null)

/** The bundle's `guards`, compiled once per bundle; null when it has none (an older bundle). */
export function compileGuards(bundle) {
  if (bundle === null || typeof bundle !== 'object') return null;
  if (COMPILED.has(bundle)) return COMPILED.get(bundle);
  const data = bundle.guards;
  const compiled = !data || !bundle.term_fold ? null : compileGuardData(data, new Fold(bundle.term_fold));
  COMPILED.set(bundle, compiled);
  return compiled;
}

/** The bundle's `guards` section with the bundle's Fold (GuardData.from_data). */
export function compileGuardData(data, fold) {
  return Object.freeze({
    compiledGuards: true,
    window: Math.trunc(Number(data.window_words)),
    policyUrl: String(data.policy_url),
    messages: { ...data.messages },
    endorsement: new RegExp(data.endorsement.pattern, 'gu'),
    financial: new RegExp(data.financial.pattern, 'gu'),
    disclosureWords: [...data.disclosure.words],
    suggest: String(data.disclosure.suggest),
    handles: new HandleRules(data.handles, fold),
    orgs: new Map(), // JSON of a policy's organization -> what it compiles to
  });
}

const MAX_ORGS = 16;

function compileOrg(guards, organization) {
  const key = JSON.stringify(organization);
  let org = guards.orgs.get(key);
  if (org !== undefined) return org;
  const names = [...(organization.names ?? []), ...(organization.products ?? [])];
  const tickers = organization.tickers ?? [];
  const pattern = namesPattern(names, tickers);
  const own = organization.disclosure || [];
  org = {
    name: String([...(names.length ? names : tickers.length ? tickers : [''])][0]),
    names: pattern ? new RegExp(pattern, 'gu') : null,
    disclosures: new RegExp(wordsPattern([...guards.disclosureWords, ...own]), 'u'),
    suggestion: own.length ? own[0] : guards.suggest,
    handles: organization.handles || {},
  };
  if (guards.orgs.size >= MAX_ORGS) guards.orgs.delete(guards.orgs.keys().next().value);
  guards.orgs.set(key, org);
  return org;
}

/** Python's str.format with named fields only ({name}; {{ and }} for braces). */
export function formatMessage(template, fields) {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, name) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    return String(fields[name]);
  });
}

/** The local date of `day` (a Date, or an ISO string kept as it is) as YYYY-MM-DD. */
export function isoDay(day) {
  if (!(day instanceof Date)) return String(day);
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${pad(day.getFullYear(), 4)}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

function finding(ruleId, type, severity, [start, end], value, message, url) {
  return {
    rule_id: ruleId,
    category: CATEGORY,
    type,
    severity,
    start,
    end,
    score: 0.9,
    preview: maskedPreview(value),
    message,
    policy_url: url,
  };
}

/**
 * The guards' findings for `text`. `guardData`: compileGuards(bundle) (a whole
 * bundle is accepted too); `groups`: the device's own groups, joined with the
 * context's; `today`: the local date (YYYY-MM-DD, or a Date).
 */
export function contextFindings(text, { context = null, policyData, guardData, platform = null, today, groups = [] }) {
  const organization = policyData?.organization;
  const g = guardData?.compiledGuards ? guardData : compileGuards(guardData);
  if (!organization || g === null) return [];
  const ctx = context || {};
  const org = compileOrg(g, organization);
  const index = new CodePointIndex(text);
  const span = (start, length) => [index.toCodePoint(start), index.toCodePoint(start + length)];
  const found = [];
  for (const [start, end, handle, target, official] of impostorSpans(text, ctx.targets || [], org.handles, platform ?? null, g.handles)) {
    const item = finding(
      'impostor-handle',
      'IMPOSTOR_HANDLE',
      'high',
      span(start, end - start),
      handle,
      formatMessage(g.messages.impostor, { official }),
      g.policyUrl,
    );
    if (target !== null) item.target = target;
    found.push(item);
  }
  if (org.names === null) return found;
  const day = isoDay(today);
  const allGroups = new Set([...groups, ...(ctx.groups || [])]);
  const period = activeWindow(policyData.quiet_periods || [], day, allGroups);
  if (period !== null) {
    const mention = resultsMention(text, org.names, g.financial, g.window);
    if (mention !== null) {
      const message = formatMessage(g.messages.quiet_period, { window: period.name, end: period.end, name: org.name });
      found.push(finding('quiet-period', 'QUIET_PERIOD', 'critical', span(mention.index, mention.text.length), mention.text, message, g.policyUrl));
    }
  }
  const mention = undisclosedMention(text, org.names, g.endorsement, org.disclosures, g.window);
  if (mention !== null) {
    const message = formatMessage(g.messages.disclosure, { name: org.name, disclosure: org.suggestion });
    const item = finding(
      'affiliation-disclosure',
      'UNDISCLOSED_AFFILIATION',
      'low',
      span(mention.index, mention.text.length),
      mention.text,
      message,
      g.policyUrl,
    );
    item.suggestion = { kind: 'append', text: org.suggestion };
    found.push(item);
  }
  return found;
}
