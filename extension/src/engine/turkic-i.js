// Case-insensitive matching of the Turkic i's differs between the runtimes. With
// IGNORECASE, Python's `regex` puts U+0130 (İ) with "i" and U+0131 (ı) with "I",
// but not with each other's partner; JS (/iu) folds neither. Every other cased
// character folds alike in both (checked over all of Unicode). So, for patterns
// with the i flag only, each character set gets the Turkic letter Python would
// let it match:  i -> [iİ],  [a-z] -> (?:[a-z]|[İ]),  [^a-z] -> (?![İ])[^a-z].
// Sets Python treats in a way JS cannot express are refused.

const DOTTED = '\u0130';
const DOTLESS = '\u0131';
const PROBES = { i: 'i', I: 'I', dotted: DOTTED, dotless: DOTLESS };

export class UnportablePatternError extends Error {
  name = 'UnportablePatternError';
}

const memberCache = new Map();

/** Which of i, I, İ, ı a character set contains, matching case-sensitively. */
function membersOf(setSource) {
  let members = memberCache.get(setSource);
  if (members === undefined) {
    const set = new RegExp(`^${setSource}$`, 'u');
    members = Object.fromEntries(
      Object.entries(PROBES).map(([name, char]) => [name, set.test(char)]),
    );
    memberCache.set(setSource, members);
  }
  return members;
}

/** Characters to add to a set (under /i) so JS matches what Python matches. */
function extraMembers({ i, I, dotted, dotless }) {
  if ((dotted || dotless) && !i && !I) {
    // Python then matches "i" through İ and "I" through ı; JS can only add both.
    if (dotted && dotless) return 'i';
    throw new UnportablePatternError(
      'a case-insensitive set holding only one of U+0130/U+0131 matches differently ' +
        'in Python and JS',
    );
  }
  return (i && !dotted ? DOTTED : '') + (I && !dotless ? DOTLESS : '');
}

/**
 * Rewrite one atom that matches a single character. `setSource` is the atom as a
 * set ("[...]" or "[^...]" or an escape/literal), `negated` tells the two apart.
 */
export function foldTurkicI(atomSource, setSource, negated) {
  const extra = extraMembers(membersOf(setSource));
  if (!extra) return atomSource;
  if (negated) return `(?![${extra}])${atomSource}`;
  return `(?:${atomSource}|[${extra}])`;
}

/** For a negated class "[^X]", the positive set "[X]" whose members count. */
export function positiveSet(classSource) {
  return classSource.startsWith('[^') ? `[${classSource.slice(2)}` : classSource;
}
