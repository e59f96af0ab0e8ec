// Every rule's own examples, in the JS engine, for every rule the bundle marks as
// runnable in JS: each `match` is found (covering `value` exactly when given),
// each `no_match` is not. backend/postguard/rulebook/examples.py does the same in
// Python (`postguard rules test`), so a rule is its own test in both runtimes.
// Examples run without a time budget (budgetMs: Infinity), so how busy the machine
// is cannot decide them; the budget has its own tests (tests/engine-js/).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { compileBundle, scan } from '../../extension/src/engine/index.js';

const bundlePath = new URL('../../extension/rules/ruleset.json', import.meta.url);
const bundle = JSON.parse(readFileSync(bundlePath, 'utf8'));
const compiled = compileBundle(bundle);
const jsRules = bundle.rules.filter((rule) => rule.runtimes.includes('js'));

/** The text a finding covers; findings count code points, like Python. */
const covered = (text, finding) => Array.from(text).slice(finding.start, finding.end).join('');

test('the engine runs exactly the rules the bundle marks for js', () => {
  assert.deepEqual(compiled.rules.map((rule) => rule.id), jsRules.map((rule) => rule.id).sort());
  const others = bundle.rules.filter((rule) => !rule.runtimes.includes('js')).map((r) => r.id);
  assert.deepEqual(compiled.notRun.map((rule) => rule.id), others.sort());
});

test('examples do not depend on the budget', () => {
  // With the budget used up before any rule, a scan finds nothing; the examples
  // below pass all the same, because they never use it.
  const [rule] = jsRules;
  const [example] = rule.examples.match;
  const spent = scan(compiled, example.text, { only: [rule.id], budgetMs: 0 });
  assert.equal(spent.complete, false);
  const clock = () => assert.fail('a scan without a budget read the clock');
  const free = scan(compiled, example.text, { only: [rule.id], budgetMs: Infinity, clock });
  assert.ok(free.findings.length > 0);
});

for (const rule of jsRules) {
  test(`examples of ${rule.id}`, async (t) => {
    const only = [rule.id];
    const options = { only, budgetMs: Infinity };
    for (const example of rule.examples.match) {
      await t.test(`matches: ${example.why}`, () => {
        const { findings } = scan(compiled, example.text, options);
        assert.ok(findings.length > 0, 'no finding');
        if ('value' in example) {
          const values = findings.map((finding) => covered(example.text, finding));
          assert.ok(values.includes(example.value), `covered ${values.length} other span(s)`);
        }
        for (const finding of findings) assert.equal(finding.rule_id, rule.id);
      });
    }
    for (const example of rule.examples.no_match) {
      await t.test(`does not match: ${example.why}`, () => {
        assert.deepEqual(scan(compiled, example.text, options).findings, []);
      });
    }
  });
}
