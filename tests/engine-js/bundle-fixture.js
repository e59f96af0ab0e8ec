// The shipped bundle, and variants of it for tests that need other defaults or
// rules. Each variant gets its own version, because compileBundle caches by it.
import { readFileSync } from 'node:fs';

const bundleUrl = new URL('../../extension/rules/ruleset.json', import.meta.url);
let variants = 0;

export function shippedBundle() {
  return JSON.parse(readFileSync(bundleUrl, 'utf8'));
}

export function bundleWith({ defaults = {}, rules } = {}) {
  const bundle = shippedBundle();
  variants += 1;
  return {
    ...bundle,
    version: `${bundle.version}-test-${variants}`,
    defaults: { ...bundle.defaults, ...defaults },
    rules: rules ?? bundle.rules,
  };
}

export function syntheticRule(id, pattern, fields = {}) {
  return {
    id,
    name: id,
    category: 'confidential',
    type: 'CONFIDENTIAL_TERM',
    severity: 'medium',
    pattern,
    flags: '',
    score: 0.9,
    message: 'synthetic rule for a test',
    runtimes: ['python', 'js'],
    examples: { match: [], no_match: [] },
    references: [],
    ...fields,
  };
}

/** The characters a finding covers, counting code points like Python. */
export function covered(text, finding) {
  return Array.from(text).slice(finding.start, finding.end).join('');
}
