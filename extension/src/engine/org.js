// Rules built at load time from the organisation's own lists: the twin of
// backend/postguard/engine/org.py (read its docstring). The service puts
// `internal_domains` and `confidential_terms` into the bundle it serves as
// `org`; the bundle's `org_rules` (from shared_rules/bundle.yaml) say what each
// list becomes. Both engines build the same bundle rules, character for
// character, so the anchored scan, escalation and the policy treat them like
// any other rule.
import { lowerKeepingOffsets } from './anchors.js';
import { SEVERITY_ORDER } from './candidates.js';
import { codePointLength } from './code-points.js';
import { normalize } from './normalize.js';

const ESCAPE = new Set('\\^$.|?*+()[]{}/');
const TERM_SEPARATORS = /[ \t\n\r\-_]+/;
const JOIN = '[ \\-_]{0,3}';
const JOIN_WIDTH = 3;
// Where a term may start: a word edge, a CamelCase edge, or anywhere inside a
// #hashtag or @handle; where it may end: a word edge (digits may follow), a
// CamelCase edge, or inside the hashtag or handle it started in.
const TAG = '[#@][\\p{L}\\p{N}_]';
const TAG_BEFORE = 60;
const TAG_AFTER = 160;
const BEFORE = `(?:(?<![\\p{L}\\p{N}])|(?<=\\p{Ll})(?=\\p{Lu})|(?<=${TAG}{0,${TAG_BEFORE}}))`;
const AFTER = `(?:(?![\\p{L}])|(?<=\\p{Ll})(?=\\p{Lu})|(?<=${TAG}{1,${TAG_AFTER}}))`;
const MIN_TERM = 2;
const MAX_TERM = 100;
const MAX_TERMS = 2000;
const MAX_DOMAINS = 1000;

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const SCHEME = /^[a-z][a-z0-9+.-]{0,15}:\/\//;
const PORT = /:[0-9]{1,5}/;
const HOST_START = '(?<![A-Za-z0-9_\\-.@])(?:[A-Za-z][A-Za-z0-9+.\\-]{0,15}://)?';
const SUBDOMAINS = '(?:[A-Za-z0-9_\\-]{1,63}\\.){0,8}';
const HOST_END =
  '(?![A-Za-z0-9_\\-]|\\.[A-Za-z0-9_\\-])(?::[0-9]{1,5})?' +
  '(?:[/?#](?:[^ \\t\\n<>"\']{0,400}[^ \\t\\n<>"\'.,;:!?)\\]])?)?';
// Scheme (19), subdomains (8 x 64), what follows the host (2), port (6), path (402).
const HOST_AHEAD = 19 + 8 * 64 + 2 + 6 + 402;

export const ORG_KEYS = Object.freeze(['internal_domains', 'confidential_terms']);

const show = (value) => JSON.stringify(value) ?? String(value);
const length = codePointLength;
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

const isSurrogate = (unit) => unit >= 0xd800 && unit <= 0xdfff;

/** Python's string order: by code point. JS compares UTF-16 units, which only
 * differs when a surrogate is involved: then compare code points. */
export function compareCodePoints(a, b) {
  const end = Math.min(a.length, b.length);
  let i = 0;
  while (i < end && a.charCodeAt(i) === b.charCodeAt(i)) i += 1;
  if (i === end) return a.length - b.length;
  const [x, y] = [a.charCodeAt(i), b.charCodeAt(i)];
  if (!isSurrogate(x) && !isSurrogate(y)) return x - y;
  const [p, q] = [[...a], [...b]];
  for (let k = 0; k < Math.min(p.length, q.length); k += 1) {
    const diff = p[k].codePointAt(0) - q[k].codePointAt(0);
    if (diff) return diff;
  }
  return p.length - q.length;
}

/** `text` as a literal in both engines' pattern syntax. */
export function escape(text) {
  let out = '';
  for (const char of text) out += ESCAPE.has(char) ? `\\${char}` : char;
  return out;
}

const ATOMS = new Map(); // character -> its atom, as the same input always gives

/** One atom per character of `text`, in any case without the i flag: F -> [fF]
 * (caseless_atoms in org.py). */
export function caselessAtoms(text) {
  const atoms = [];
  for (const char of text) {
    let atom = ATOMS.get(char);
    if (atom === undefined) {
      const forms = [];
      for (const form of [char.toLowerCase(), char.toUpperCase(), char]) {
        if (length(form) === 1 && !forms.includes(form)) forms.push(form);
      }
      atom = forms.length > 1 ? `[${forms.join('')}]` : escape(char);
      ATOMS.set(char, atom);
    }
    atoms.push(atom);
  }
  return atoms;
}

/** `text` as a pattern matching it in any case (see caselessAtoms). */
export const caseless = (text) => caselessAtoms(text).join('');

/** An internal_domains entry as [host, with subdomains] (host_of in org.py). */
export function hostOf(entry) {
  if (typeof entry !== 'string') throw new Error(`internal_domains: ${show(entry)} is not a string`);
  let host = entry.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '').toLowerCase();
  const scheme = SCHEME.exec(host);
  if (scheme) host = host.slice(scheme[0].length);
  for (const mark of '/?#') host = host.split(mark, 1)[0];
  const port = PORT.exec(host);
  if (port && port.index + port[0].length === host.length) host = host.slice(0, port.index);
  host = host.replace(/\.+$/, '');
  const wildcard = host.startsWith('*.');
  if (wildcard) host = host.slice(2);
  const labels = host.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) {
    throw new Error(
      `internal_domains: ${show(entry)} is not a host name such as ` +
        'jira.example.com or *.corp.example.com (at least two labels)',
    );
  }
  return [host, wildcard];
}

const byLengthThenText = (a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0);

export function internalDomainRule(template, domains) {
  if (domains.length > MAX_DOMAINS) throw new Error(`internal_domains: more than ${MAX_DOMAINS} entries`);
  const wild = new Set();
  const exactAll = new Set();
  for (const entry of domains) {
    const [host, wildcard] = hostOf(entry);
    (wildcard ? wild : exactAll).add(host);
  }
  // A host also listed with its subdomains needs no entry of its own.
  const exact = [...exactAll].filter((host) => !wild.has(host));
  const parts = exact.sort(byLengthThenText).map(escape);
  if (wild.size) parts.push(`${SUBDOMAINS}(?:${[...wild].sort(byLengthThenText).map(escape).join('|')})`);
  const pattern = `${HOST_START}(?:${parts.join('|')})${HOST_END}`;
  const hosts = [...new Set([...exact, ...wild])].sort();
  const longest = Math.max(...hosts.map((host) => host.length));
  return ruleFrom(template, template.id, template.severity, pattern, 'i', hosts, {
    behind: 1,
    ahead: HOST_AHEAD + longest,
    keyword_first: false,
  });
}

function termOf(entry, fallback, table) {
  let severity = fallback;
  let term = entry;
  if (isObject(entry)) {
    const unknown = Object.keys(entry)
      .filter((key) => key !== 'term' && key !== 'severity')
      .sort();
    if (unknown.length) throw new Error(`confidential_terms: unknown key ${show(unknown[0])}`);
    term = entry.term;
    severity = Object.hasOwn(entry, 'severity') ? entry.severity : fallback;
  }
  if (typeof term !== 'string') throw new Error(`confidential_terms: ${show(entry)} has no term (a string)`);
  if (!SEVERITY_ORDER.includes(severity)) {
    throw new Error(
      `confidential_terms: ${show(term)} has severity ${show(severity)}; use one of ${SEVERITY_ORDER.join(', ')}`,
    );
  }
  const words = normalize(term, table).text.split(TERM_SEPARATORS).filter(Boolean);
  const joined = words.join(' ');
  if (length(joined) < MIN_TERM || length(joined) > MAX_TERM) {
    throw new Error(`confidential_terms: ${show(term)} must be ${MIN_TERM} to ${MAX_TERM} characters long`);
  }
  return [joined, severity];
}

const stronger = (a, b) => (SEVERITY_ORDER.indexOf(a) >= SEVERITY_ORDER.indexOf(b) ? a : b);

/** The first longest word (in code points), as max(words, key=len) picks it. */
function longestWord(words) {
  return words.reduce((best, word) => (length(word) > length(best) ? word : best));
}

/**
 * An alternation of `words` (each a list of pattern atoms) written as a trie
 * (trie_pattern in org.py): words that share a beginning share its atoms.
 */
export function triePattern(words) {
  const root = new Map();
  for (const atoms of words) {
    let node = root;
    for (const atom of atoms) {
      if (!node.has(atom)) node.set(atom, new Map());
      node = node.get(atom);
    }
    node.set('', new Map());
  }
  const emit = (node) => {
    const branches = [...node.keys()]
      .filter(Boolean)
      .sort(compareCodePoints)
      .map((atom) => atom + emit(node.get(atom)));
    if (!branches.length) return '';
    if (branches.length === 1 && !node.has('')) return branches[0];
    const body = `(?:${branches.join('|')})`;
    return node.has('') ? `${body}?` : body;
  };
  return emit(root);
}

export function confidentialTermRules(template, terms, table) {
  if (terms.length > MAX_TERMS) throw new Error(`confidential_terms: more than ${MAX_TERMS} entries`);
  // atoms -> {atoms, width, keyword, severity}; a term listed twice keeps its highest severity.
  const found = new Map();
  for (const entry of terms) {
    const [term, listed] = termOf(entry, template.severity, table);
    const words = term.split(' ');
    const atoms = [];
    for (const word of words) {
      if (atoms.length) atoms.push(JOIN);
      atoms.push(...caselessAtoms(word));
    }
    const width = words.reduce((sum, word) => sum + length(word), 0) + JOIN_WIDTH * (words.length - 1);
    const keyword = lowerKeepingOffsets(longestWord(words));
    const key = JSON.stringify(atoms);
    const severity = found.has(key) ? stronger(found.get(key).severity, listed) : listed;
    found.set(key, { atoms, width, keyword, severity });
  }
  const rules = [];
  for (const severity of SEVERITY_ORDER) {
    const mine = [...found.values()].filter((item) => item.severity === severity);
    if (!mine.length) continue;
    const pattern = `${BEFORE}(?:${triePattern(mine.map((item) => item.atoms))})${AFTER}`;
    // Ahead: the longest term, then what the end's lookarounds read (as
    // rulebook/reach.py counts a lookbehind: cautiously).
    const longest = Math.max(...mine.map((item) => item.width));
    const reach = { behind: TAG_AFTER + 1, ahead: longest + TAG_AFTER + 1, keyword_first: false };
    const keywords = [...new Set(mine.map((item) => item.keyword))].sort(compareCodePoints);
    rules.push(ruleFrom(template, `${template.id}-${severity}`, severity, pattern, '', keywords, reach));
  }
  return rules;
}

function ruleFrom(template, id, severity, pattern, flags, keywords, reach) {
  const rule = {
    id,
    name: template.name,
    category: template.category,
    type: template.type,
    severity,
    countries: [],
    priority: template.priority ?? 0,
    pattern,
    flags,
    keywords,
    min_digits: 0,
    reach,
    shrink: false,
    validators: [],
    score: template.score ?? 0.5,
    allow: {},
    message: template.message,
    policy_url: template.policy_url ?? '',
    runtimes: ['python', 'js'],
    examples: { match: [], no_match: [] },
    references: [],
  };
  if (template.escalate) rule.escalate = template.escalate;
  return rule;
}

/**
 * The bundle rules the bundle's `org` lists become (none without lists). Throws
 * an Error naming the list and the entry that cannot be used.
 */
export function orgRules(bundle, table) {
  const org = bundle.org;
  if (org === undefined || org === null) return [];
  if (!isObject(org)) throw new Error('org must be an object');
  const unknown = Object.keys(org)
    .filter((key) => !ORG_KEYS.includes(key))
    .sort();
  if (unknown.length) throw new Error(`org: unknown list ${show(unknown[0])}`);
  const templates = isObject(bundle.org_rules) ? bundle.org_rules : {};
  const rules = [];
  for (const key of ORG_KEYS) {
    const entries = org[key];
    if (entries === undefined || entries === null || (Array.isArray(entries) && !entries.length)) continue;
    if (!Array.isArray(entries)) throw new Error(`org.${key} must be a list`);
    const template = templates[key];
    if (!isObject(template)) {
      throw new Error(`org.${key} is set but the bundle has no org_rules.${key}; rebuild it with \`postguard rules build\``);
    }
    if (key === 'internal_domains') rules.push(internalDomainRule(template, entries));
    else rules.push(...confidentialTermRules(template, entries, table));
  }
  return rules;
}
