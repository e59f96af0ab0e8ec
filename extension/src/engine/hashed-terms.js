// Confidential terms that travel as keyed hashes, never as text: the twin of
// backend/postguard/engine/hashed_terms.py (read its docstring). A text's pieces
// (runs of letters, digits and marks, cut at CamelCase edges) are folded by the
// bundle's term_fold table, joined with their neighbours and hashed with
// HMAC-SHA-256 under the list's key (given with the scan, never in the bundle);
// a hash in the bundle's list is a finding. Same pieces, same joins, same
// order as Python, so both runtimes report the same spans.
import { SEVERITY_ORDER } from './candidates.js';
import { createHmac, wordsKey } from './hmac-sha256.js';
import { sha256 } from './sha256.js';

export const FORMAT = 1;
export const ALG = 'HMAC-SHA256/96';
const HASH_BYTES = 12;
const MAX_PIECES = 8;
const MAX_GAP = 3;
const MIN_SKELETON = 3;
const MAX_HASHES = 20000;
export const TEMPLATE = 'hashed_terms';
const TOKEN = /(?:[\p{L}\p{N}\p{M}]|(?<=[\p{L}\p{N}\p{M}])[@$](?=[\p{L}\p{N}\p{M}]))+/gu;
const CAMEL = /(?<=\p{Ll})(?=\p{Lu})/gu;
const HEX_ID = /^[0-9a-f]{16}$/;
const HEX_HASH = /^[0-9a-f]{24}$/;
const encoder = new TextEncoder();

const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** A character's canonical form: the table's, else its lower case when that is one character. */
export class Fold {
  constructor(spec) {
    if (spec === null || typeof spec !== 'object' || typeof spec.map !== 'object') {
      throw new Error('term_fold must be an object with a map');
    }
    this.id = String(spec.id ?? '');
    this.map = new Map(Object.entries(spec.map).filter(([k]) => [...k].length === 1));
  }

  char(ch) {
    let folded = this.map.get(ch);
    if (folded === undefined) {
      const lower = ch.toLowerCase();
      folded = [...lower].length === 1 ? lower : ch;
      this.map.set(ch, folded);
    }
    return folded;
  }

  skeleton(text) {
    let out = '';
    for (const ch of text) out += this.char(ch);
    return out;
  }
}

/** A function from message bytes to the lookup key of its truncated HMAC. */
export const termMac = (key) => createHmac(key, HASH_BYTES / 4);

/** The name a bundle gives its key (key_id in Python). */
export function keyIdOf(key) {
  const label = encoder.encode('postguard-term-key\n');
  const joined = new Uint8Array(label.length + key.length);
  joined.set(label);
  joined.set(key, label.length);
  return toHex(sha256(joined)).slice(0, 16);
}

export function decodeKey(base64) {
  const text = atob(base64);
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

const ruleId = (template, severity, near) => `${template.id}-${severity}${near ? '-near' : ''}`;

function hashedRule(template, id, severity, near) {
  const rule = {
    id,
    name: template.name,
    category: template.category,
    type: template.type,
    severity,
    priority: template.priority ?? 0,
    pattern: '(?!)',
    flags: '',
    keywords: [],
    allow: {},
    score: template.score ?? 0.5,
    message: template.message,
    policy_url: template.policy_url ?? '',
    runtimes: ['python', 'js'],
    hashed: true,
  };
  if (near && template.escalate) rule.escalate = template.escalate;
  return rule;
}

const rank = (rule) => [SEVERITY_ORDER.indexOf(rule.severity), rule.escalate !== undefined];
const higher = (a, b) => a[0] > b[0] || (a[0] === b[0] && a[1] && !b[1]);

/** {hashed, rules}: the bundle's hashed_terms and the rules they stand for (compile_section). */
export function compileSection(bundle, fold) {
  const section = bundle.hashed_terms;
  if (section === undefined || section === null) return { hashed: null, rules: [] };
  if (typeof section !== 'object' || section.format !== FORMAT) throw new Error('hashed_terms: expected an object with format 1');
  if (section.alg !== ALG) throw new Error(`hashed_terms: alg must be ${ALG}`);
  if (fold === null || section.fold_id !== fold.id) throw new Error('hashed_terms: hashed with another term_fold; hash again');
  const { list_version: version, key_id: keyId, max_length: maxLength } = section;
  if (!Number.isInteger(version) || version < 1) throw new Error('hashed_terms: list_version must be an integer >= 1');
  if (typeof keyId !== 'string' || !HEX_ID.test(keyId)) throw new Error('hashed_terms: key_id must be 16 hex digits');
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > 400) throw new Error('hashed_terms: max_length must be 1 to 400');
  const template = bundle.org_rules?.[TEMPLATE];
  if (!template || typeof template !== 'object') throw new Error('hashed_terms: the bundle has no org_rules.hashed_terms');
  const byHash = new Map();
  const rules = new Map();
  for (const group of section.groups ?? []) {
    if (!SEVERITY_ORDER.includes(group.severity) || typeof group.escalate !== 'boolean') {
      throw new Error('hashed_terms: a group needs a severity and escalate');
    }
    const id = ruleId(template, group.severity, group.escalate);
    rules.set(id, hashedRule(template, id, group.severity, group.escalate));
    for (const value of group.hashes ?? []) {
      if (typeof value !== 'string' || !HEX_HASH.test(value)) throw new Error('hashed_terms: a hash must be 24 hex digits');
      const key = wordsKey(value);
      const held = byHash.get(key);
      if (held === undefined || higher(rank(rules.get(id)), rank(rules.get(held)))) byHash.set(key, id);
    }
  }
  if (byHash.size > MAX_HASHES) throw new Error(`hashed_terms: more than ${MAX_HASHES} hashes`);
  const ids = [...rules.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    hashed: { listVersion: version, keyId, maxLength, byHash, ruleIds: ids, fold },
    rules: ids.map((id) => rules.get(id)),
  };
}

/** [start, end, text] of each piece, in UTF-16 units. */
function pieces(text) {
  const found = [];
  for (const token of text.matchAll(TOKEN)) {
    const word = token[0];
    const cuts = [0, ...Array.from(word.matchAll(CAMEL), (m) => m.index), word.length];
    for (let k = 0; k + 1 < cuts.length; k += 1) {
      found.push([token.index + cuts[k], token.index + cuts[k + 1], word.slice(cuts[k], cuts[k + 1])]);
    }
  }
  return found;
}

/** For each piece, the index of the first piece of its chain (_chains in Python). */
function chains(text, list) {
  const firsts = [];
  let first = 0;
  for (let k = 0; k < list.length; k += 1) {
    if (k) {
      const gap = text.slice(list[k - 1][1], list[k][0]);
      if ([...gap].length > MAX_GAP || gap.includes('\n') || gap.includes('\r')) first = k;
    }
    firsts.push(first);
  }
  return firsts;
}

/**
 * Every {unitStart, unitEnd, ruleId} where joined pieces hash to a listed term;
 * `mac` is hmacSha256(key). `check` is called every so often and may throw.
 */
export function findHashed(hashed, mac, text, check) {
  const list = pieces(text).map(([s, e, piece]) => {
    const skeleton = hashed.fold.skeleton(piece);
    return [s, e, encoder.encode(skeleton), [...skeleton].length];
  });
  const firsts = chains(text, list);
  // Joined pieces' bytes; a skeleton character takes at most 4 bytes.
  const buffer = new Uint8Array(4 * hashed.maxLength + 4);
  const found = [];
  for (let i = 0; i < list.length; i += 1) {
    if (i % 64 === 0) check();
    let bytes = 0;
    let length = 0;
    for (let j = i; j < Math.min(i + MAX_PIECES, list.length); j += 1) {
      if (firsts[j] > i) break;
      length += list[j][3];
      if (length > hashed.maxLength) break;
      buffer.set(list[j][2], bytes);
      bytes += list[j][2].length;
      if (length >= MIN_SKELETON) {
        const ruleId = hashed.byHash.get(mac(buffer.subarray(0, bytes)));
        if (ruleId !== undefined) found.push({ unitStart: list[i][0], unitEnd: list[j][1], ruleId });
      }
    }
  }
  return found;
}
