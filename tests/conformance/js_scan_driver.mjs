// One node process for many requests from the Python conformance tests: reads
// JSON lines on stdin, answers each with one JSON line on stdout, in order.
//   {"op": "scan", "bundle": path, "text": "...", "only": [ids] | null,
//    "budget_ms": ms | null}
//        -> {"result": scan(...)}   (the shape of Python's ScanResult.to_dict())
//   {"op": "validators"}   -> {"result": {name: {"default_boost": x}}}
//   {"op": "nfkc_changes"} -> {"result": {codePoint: nfkc}} for every code point
//        NFKC changes in this node's Unicode version
//   {"op": "org_rules", "bundle": {...}} -> {"result": [rule, ...]}: the rules
//        the bundle's `org` lists become (engine/org.js)
// Errors come back as {"error": "..."} so one bad request does not end the run.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

import { compileBundle, scan } from '../../extension/src/engine/index.js';
import { NormalizationTable } from '../../extension/src/engine/normalize.js';
import { orgRules } from '../../extension/src/engine/org.js';
import { VALIDATORS } from '../../extension/src/engine/validators/index.js';

const bundles = new Map();

function compiledFrom(path) {
  if (!bundles.has(path)) bundles.set(path, compileBundle(JSON.parse(readFileSync(path, 'utf8'))));
  return bundles.get(path);
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
  scan: ({ bundle, text, only = null, locale = null, budget_ms: budgetMs = null }) =>
    scan(compiledFrom(bundle), text, { only, locale, budgetMs }),
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
