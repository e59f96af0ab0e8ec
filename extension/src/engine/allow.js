// Allowlists: values that look sensitive but are known to be fine. Three kinds,
// global (bundle `allow`) and per rule (rule `allow`): `values` compared in
// canonical form (case and punctuation folded), `patterns` that must match the
// whole value, and `stopwords` found anywhere in it.
import { rewritePattern } from './pattern.js';

const NOT_CANONICAL = /[^\p{L}\p{N}@]/gu;

export function canonical(value) {
  return value.replace(NOT_CANONICAL, '').toLowerCase();
}

function wholeValuePattern({ pattern, flags = '' }) {
  // Python compiles these with IGNORECASE or nothing; other flags are ignored.
  const ignoreCase = flags.includes('i');
  const source = rewritePattern(pattern, { ignoreCase });
  return new RegExp(`^(?:${source})$`, ignoreCase ? 'iu' : 'u');
}

export class Allowlist {
  constructor(spec) {
    const { values = [], stopwords = [], patterns = [] } = spec || {};
    this.values = new Set(values.map(canonical));
    this.stopwords = stopwords.map((word) => word.toLowerCase());
    this.patterns = patterns.map(wholeValuePattern);
  }

  allows(value) {
    if (this.values.size && this.values.has(canonical(value))) return true;
    if (this.stopwords.length) {
      const lowered = value.toLowerCase();
      if (this.stopwords.some((word) => lowered.includes(word))) return true;
    }
    return this.patterns.some((pattern) => pattern.test(value));
  }
}
