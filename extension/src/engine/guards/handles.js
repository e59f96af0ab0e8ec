// Impostor handles: an account confusable with an official one that is not it.
// The twin of backend/postguard/engine/guards/handles.py (read its docstring).
// Lengths and edit distances count code points, as Python's do.
import { compareCodePoints } from '../org.js';
import { lstrip, pyStrip } from './words.js';

// An @mention in a post: not inside an e-mail address or a path; it ends before
// a trailing dot or hyphen.
const MENTION = /(?<![\p{L}\p{M}\p{N}_@./])@[\p{L}\p{M}\p{N}_]+(?:[.-][\p{L}\p{M}\p{N}_]+)*/gu;
export const MAX_HANDLE = 100;
export const MAX_JUDGED = 50; // distinct handles judged per scan
const MIN_CORE = 3; // an affix is never cut if less than this would remain

const points = (text) => Array.from(text);
const size = (text) => points(text).length;

/** A handle as compared for equality: without @, in lower case. */
export const bare = (handle) => lstrip(pyStrip(handle), '@').toLowerCase();

/** Levenshtein distance over code points, or `limit + 1` once it must exceed `limit`. */
export function editDistance(a, b, limit) {
  const [x, y] = [points(a), points(b)];
  if (Math.abs(x.length - y.length) > limit) return limit + 1;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost));
    }
    if (Math.min(...current) > limit) return limit + 1;
    previous = current;
  }
  return previous[y.length];
}

/** Lexicographic order of equal-length number arrays (Python's tuple <). */
function before(a, b) {
  for (let k = 0; k < a.length; k += 1) if (a[k] !== b[k]) return a[k] < b[k];
  return false;
}

export class HandleRules {
  /** `data`: the bundle's guards.handles; `fold`: the bundle's term_fold (a Fold). */
  constructor(data, fold) {
    this.fold = fold;
    this.separators = new Set(points(String(data.separators)));
    const affixes = new Set(data.affixes.map((a) => fold.skeleton(String(a).toLowerCase())));
    this.affixes = [...affixes].sort((a, b) => size(b) - size(a) || compareCodePoints(a, b));
    this.bounds = data.max_distance
      .map((b) => [Number(b.min_length), Number(b.distance)])
      .sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  }

  skeleton(handle) {
    const folded = this.fold.skeleton(lstrip(handle, '@').normalize('NFKC'));
    return points(folded)
      .filter((c) => !this.separators.has(c) && c !== '@')
      .join('');
  }

  withoutAffixes(skeleton) {
    let changed = true;
    while (changed) {
      changed = false;
      for (const affix of this.affixes) {
        if (size(skeleton) - size(affix) < MIN_CORE) continue;
        if (skeleton.startsWith(affix)) {
          skeleton = skeleton.slice(affix.length);
          changed = true;
        } else if (skeleton.endsWith(affix)) {
          skeleton = skeleton.slice(0, skeleton.length - affix.length);
          changed = true;
        }
        if (changed) break;
      }
    }
    return skeleton;
  }

  allowed(official) {
    const length = size(official);
    for (const [minLength, distance] of this.bounds) if (length >= minLength) return distance;
    return 0;
  }

  /** [edit distance, 1 if only with affixes cut, the official's length], or null. */
  distance(candidate, official) {
    const mine = this.skeleton(candidate);
    const theirs = this.skeleton(official);
    if (!mine || !theirs) return null;
    const pairs = [[mine, theirs]];
    const [cutMine, cutTheirs] = [this.withoutAffixes(mine), this.withoutAffixes(theirs)];
    if (cutMine !== mine || cutTheirs !== theirs) pairs.push([cutMine, cutTheirs]);
    for (let stage = 0; stage < pairs.length; stage += 1) {
      const [a, b] = pairs[stage];
      const limit = this.allowed(b);
      const found = editDistance(a, b, limit);
      if (found <= limit) return [found, stage, size(theirs)];
    }
    return null;
  }

  /** The official handle `candidate` imitates (closest; first listed on a tie), or null. */
  lookalike(candidate, officials) {
    if (!lstrip(candidate, '@') || size(candidate) > MAX_HANDLE) return null;
    let closest = null;
    for (const official of officials) {
      const found = this.distance(candidate, official);
      if (found !== null && (closest === null || before(found, closest[0]))) closest = [found, official];
    }
    return closest === null ? null : closest[1];
  }
}

const listsOf = (handles) => Object.values(handles).map((listed) => (Array.isArray(listed) ? listed : []));

/** The platform's official handles; every platform's when it lists none. */
export function officialsFor(handles, platform) {
  if (platform !== null && platform !== undefined && Object.hasOwn(handles, platform)) {
    const listed = handles[platform];
    if (Array.isArray(listed) && listed.length) return [...listed];
  }
  return listsOf(handles).flat();
}

/**
 * [unitStart, unitEnd, handle, target kind or null, official] per impostor
 * (UTF-16 offsets): each @mention in the text, then each context target not
 * reported already (impostor_spans).
 */
export function impostorSpans(text, targets, handles, platform, rules) {
  const exact = new Set(listsOf(handles).flat().map((h) => bare(String(h))));
  const officials = officialsFor(handles, platform);
  const found = [];
  const judged = new Map();
  const reported = new Set();
  const lookalike = (handle) => {
    const key = bare(handle);
    if (exact.has(key) || reported.has(key)) return null;
    if (!judged.has(key)) {
      if (judged.size >= MAX_JUDGED) return null;
      judged.set(key, rules.lookalike(handle, officials));
    }
    if (judged.get(key) !== null) reported.add(key);
    return judged.get(key);
  };
  for (const mention of text.matchAll(MENTION)) {
    const official = lookalike(mention[0]);
    if (official !== null) found.push([mention.index, mention.index + mention[0].length, mention[0], null, official]);
  }
  for (const target of targets) {
    const handle = String(target?.handle || '');
    const official = handle ? lookalike(handle) : null;
    if (official !== null) found.push([0, 0, handle, String(target?.kind || 'mention'), official]);
  }
  return found;
}
