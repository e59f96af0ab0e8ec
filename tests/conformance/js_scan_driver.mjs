// One node process for many requests from the Python conformance tests: reads
// JSON lines on stdin, answers each with one JSON line on stdout, in order.
//   {"op": "scan", "bundle": path, "text": "...", "only": [ids] | null,
//    "budget_ms": ms | null, "term_keys": {key_id: base64} | null}
//        -> {"result": scan(...)}   (the shape of Python's ScanResult.to_dict())
//   {"op": "decide", "bundle": path, "text": "...", "platform": "x" | null}
//        -> {"result": ...}   scan, then the bundle's policy over it, as the
//        extension's engine worker answers (engine-host/offline-result.js)
//   {"op": "validators"}   -> {"result": {name: {"default_boost": x}}}
//   {"op": "nfkc_changes"} -> {"result": {codePoint: nfkc}} for every code point
//        NFKC changes in this node's Unicode version
//   {"op": "org_rules", "bundle": {...}} -> {"result": [rule, ...]}: the rules
//        the bundle's `org` lists become (engine/org.js)
// Errors come back as {"error": "..."} so one bad request does not end the run.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

import { compileBundle, ruleKinds, scan } from '../../extension/src/engine/index.js';
import { compilePolicy } from '../../extension/src/engine/policy.js';
import { decide } from '../../extension/src/engine-host/offline-result.js';
import { NormalizationTable } from '../../extension/src/engine/normalize.js';
import { orgRules } from '../../extension/src/engine/org.js';
import { VALIDATORS } from '../../extension/src/engine/validators/index.js';

const bundles = new Map();

function loaded(path) {
  if (!bundles.has(path)) {
    const data = JSON.parse(readFileSync(path, 'utf8'));
    bundles.set(path, { compiled: compileBundle(data), policy: compilePolicy(data.policy, data.rules) });
  }
  return bundles.get(path);
}

const compiledFrom = (path) => loaded(path).compiled;

function decided(path, text, platform) {
  const { compiled, policy } = loaded(path);
  const result = scan(compiled, text);
  return decide(policy, result, platform, ruleKinds(compiled, result.omitted_rules));
}

function nfkcChanges() {
  const changes = {};
  for (let code = 0x80; code <= 0x10ffff; code += 1) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const char = String.fromCodePoint(code);
    const folded = char.normalize('NFKC');
    if (folded !== char) changes[code] = folded;
  }
  return changes;
}

const handlers = {
  scan: ({ bundle, text, only = null, locale = null, budget_ms: budgetMs = null, term_keys: termKeys = null }) =>
    scan(compiledFrom(bundle), text, { only, locale, budgetMs, termKeys }),
  decide: ({ bundle, text, platform = null }) => decided(bundle, text, platform),
  validators: () =>
    Object.fromEntries(
      Object.entries(VALIDATORS).map(([name, m]) => [name, { default_boost: m.DEFAULT_BOOST }]),
    ),
  nfkc_changes: nfkcChanges,
  org_rules: ({ bundle }) => orgRules(bundle, new NormalizationTable(bundle.normalization)),
};

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    const request = JSON.parse(line);
    answer = { result: handlers[request.op](request) };
  } catch (error) {
    answer = { error: `${error.name}: ${error.message}` };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
