// The anchored scan in the JS twin: patterns tried only near keywords and digit
// runs. Its promise is the whole-text scan's findings, so most tests compare the
// two (`anchored: false` searches each pattern over the whole text).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { KeywordFinder, lowerKeepingOffsets, windows } from '../../extension/src/engine/anchors.js';
import { compileBundle, scan } from '../../extension/src/engine/index.js';
import { bundleWith, shippedBundle } from './bundle-fixture.js';

const bundle = shippedBundle();
const compiled = compileBundle(bundle);
const both = (text, target = compiled) => [
  scan(target, text, { budgetMs: Infinity }),
  scan(target, text, { budgetMs: Infinity, anchored: false }),
];

// A small seeded generator, so a failure names a reproducible case.
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

test('the automaton finds every occurrence of every keyword', () => {
  const keywords = ['he', 'she', 'his', 'hers', '@', '://', 'akia', 'i'];
  const finder = new KeywordFinder(keywords);
  const next = random(7);
  const alphabet = 'hesirAK@:/ \u0130x😀';
  for (let round = 0; round < 500; round += 1) {
    const chars = [...alphabet];
    const length = Math.floor(next() * 40);
    const text = Array.from({ length }, () => chars[Math.floor(next() * chars.length)]).join('');
    const lowered = lowerKeepingOffsets(text);
    const expected = new Map();
    for (const keyword of keywords) {
      const starts = [];
      for (let i = lowered.indexOf(keyword); i >= 0; i = lowered.indexOf(keyword, i + 1)) starts.push(i);
      if (starts.length) expected.set(keyword, starts);
    }
    const found = finder.find(lowered);
    assert.deepEqual(new Map([...found].sort()), new Map([...expected].sort()), text);
  }
});

test('lowering keeps every offset and reads the Turkic i as i', () => {
  const text = '\u0130STANBUL AKIA key \u0131NTERNAL';
  const lowered = lowerKeepingOffsets(text);
  assert.equal(lowered.length, text.length);
  assert.equal(lowered.indexOf('akia'), text.indexOf('AKIA'));
  assert.ok(lowered.startsWith('istanbul') && lowered.includes('internal'));
});

test('windows cover each anchor and merge near ones', () => {
  assert.deepEqual(windows([[100, 104]], 2, 10, 1000), [[90, 106]]);
  assert.deepEqual(windows([[0, 4], [2000, 2004]], 1, 5, 10_000), [[0, 5], [1995, 2005]]);
  assert.deepEqual(windows([[100, 104], [300, 304]], 1, 5, 10_000), [[95, 305]]);
});

test('anchored and whole-text scans agree on mixed text', () => {
  const pieces = new Set(bundle.rules.flatMap((rule) => rule.keywords));
  for (const rule of bundle.rules) for (const e of rule.examples.match) pieces.add(e.text);
  for (const extra of [' ', '\n', '-', '@', '://', ':', '=', 'KEY', '\u0130', '4111', '2024', 'GB', '😀', '\u200b']) {
    pieces.add(extra);
  }
  const fragments = [...pieces].sort();
  const fillers = ['', ' ', '\n', ' x '.repeat(300)];
  const next = random(42);
  for (let round = 0; round < 300; round += 1) {
    const count = Math.floor(next() * 30);
    const parts = Array.from({ length: count }, () => fragments[Math.floor(next() * fragments.length)]);
    const text = parts.join(fillers[Math.floor(next() * fillers.length)]);
    const [anchored, everywhere] = both(text);
    assert.deepEqual(anchored, everywhere, JSON.stringify(text).slice(0, 200));
  }
});

test('anchored and whole-text scans agree on every example at once', () => {
  const texts = bundle.rules.flatMap((r) => [...r.examples.match, ...r.examples.no_match].map((e) => e.text));
  for (const separator of [' ', '\n', ' lorem ipsum '.repeat(60)]) {
    const [anchored, everywhere] = both(texts.join(separator));
    assert.deepEqual(anchored, everywhere);
    assert.ok(anchored.findings.length > 0);
  }
});

test('a match beyond its keyword\'s reach is found only by the whole-text scan', () => {
  const aws = bundle.rules.find((rule) => rule.id === 'aws-access-key-id');
  const far = {
    ...aws,
    id: 'far-keyword',
    keywords: ['deploy'],
    reach: { behind: 1, ahead: 21, keyword_first: false },
  };
  const target = compileBundle(bundleWith({ rules: [far] }));
  const [anchored, everywhere] = both(`deploy ${' '.repeat(2000)}AKIAZ7QF3RTYUIOPLKJH`, target);
  assert.deepEqual(anchored.findings, []);
  assert.deepEqual(everywhere.findings.map((f) => f.rule_id), ['far-keyword']);
});

test('copies of a rule each report, from one search', () => {
  const aws = bundle.rules.find((rule) => rule.id === 'aws-access-key-id');
  const copy = { ...aws, id: 'aws-copy', severity: 'medium', priority: 99 };
  const target = compileBundle(bundleWith({ rules: [aws, copy] }));
  assert.equal(target.plan.groups.length, 1);
  const text = 'key AKIAZ7QF3RTYUIOPLKJH';
  assert.deepEqual(scan(target, text).findings.map((f) => f.rule_id), ['aws-copy']);
  for (const id of ['aws-access-key-id', 'aws-copy']) {
    assert.deepEqual(scan(target, text, { only: id }).findings.map((f) => f.rule_id), [id]);
  }
});

const MAILGUN = 'key 0123456789abcdef0123456789abcdef-0123abcd-4567ef01 end';
const gated = (gate) => ({
  ...bundle.rules.find((rule) => rule.id === 'mailgun-api-key-v2'),
  id: 'gated',
  gate,
});

test('a rule runs only where its gate matches', () => {
  const target = compileBundle(bundleWith({ rules: [gated('-[0-9a-f]{8}-[0-9a-f]{8}')] }));
  const [anchored, everywhere] = both(`${'lorem ipsum '.repeat(50)}${MAILGUN}`, target);
  assert.deepEqual(anchored.findings.map((f) => f.rule_id), ['gated']);
  assert.deepEqual(anchored, everywhere);
  assert.deepEqual(scan(target, 'no key here, 2024-11-30').findings, []);
});

test('a gate that misses a match hides it from the anchored scan only', () => {
  const target = compileBundle(bundleWith({ rules: [gated('-[0-9a-f]{9}-')] }));
  const [anchored, everywhere] = both(MAILGUN, target);
  assert.deepEqual(anchored.findings, []);
  assert.deepEqual(everywhere.findings.map((f) => f.rule_id), ['gated']);
});

test('a head reaching into the previous match is dropped, as in Python', () => {
  // Digit first, the words before the number read behind it (the address rules'
  // shape): at 34 the head could take "Lane 12 Oak ", the first match's text.
  const source = bundle.rules.find((rule) => rule.id === 'street-address-block');
  const rule = {
    ...source,
    id: 'head-words',
    pattern:
      '(?<value>[0-9](?<=(?<![A-Za-z0-9])(?<head>(?:[A-Za-z0-9]{1,9} ){1,3})[0-9])[0-9]{0,3})(?![0-9])',
    flags: '',
    gate: null,
    keywords: [],
    min_digits: 1,
    context: null,
    validators: [],
    allow: null,
    score: 0.9,
    reach: { behind: 31, ahead: 5, keyword_first: false },
  };
  const target = compileBundle(bundleWith({ rules: [rule] }));
  const [anchored, everywhere] = both('Lane 12 Oak 34', target);
  assert.deepEqual(anchored.findings.map((f) => [f.start, f.end]), [[0, 7]]);
  assert.deepEqual(anchored, everywhere);
  const apart = scan(target, 'Lane 12, then Oak 34', { budgetMs: Infinity });
  assert.deepEqual(apart.findings.map((f) => [f.start, f.end]), [[0, 7], [9, 20]]);
});

test('digit-run windows use the pattern\'s own reach, context windows the wider one', () => {
  const rule = bundle.rules.find((r) => r.id === 'in-passport');
  const compiledRule = compiled.rules.find((r) => r.id === 'in-passport');
  assert.equal(compiledRule.matchAhead, rule.reach.match_ahead);
  assert.ok(compiledRule.ahead > compiledRule.matchAhead);
  // Passport words everywhere, one long digit run: the run's windows are searched.
  const filler = 'passport office, passport photo, passport queue. '.repeat(3);
  const text = `${filler}${'x '.repeat(40)}my passport number is U1980067, issued at Pune`;
  const [anchored, everywhere] = both(text);
  assert.deepEqual(anchored, everywhere);
  assert.ok(anchored.findings.some((f) => f.rule_id === 'in-passport'));
});
