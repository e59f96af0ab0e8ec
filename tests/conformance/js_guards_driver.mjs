// The JS context guards for the Python parity test (test_guards_parity.py):
// reads JSON lines on stdin, answers each with one JSON line on stdout.
//   {"bundle": path, "cases": [{"text", "policy", "context", "platform", "today",
//    "groups"}, ...]} -> {"result": [[finding, ...], ...]} (contextFindings per case)
//   {"cap": {"findings": [...], "limit": n}} -> {"result": [listed, cut]}
//        (capFindings in engine-host/offline-result.js, decide.py's cap)
// Errors come back as {"error": "..."} so one bad request does not end the run.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

import { capFindings } from '../../extension/src/engine-host/offline-result.js';
import { compileGuards, contextFindings } from '../../extension/src/engine/guards/index.js';

const bundles = new Map();

function guardsOf(path) {
  if (!bundles.has(path)) bundles.set(path, compileGuards(JSON.parse(readFileSync(path, 'utf8'))));
  return bundles.get(path);
}

function findings({ bundle, cases }) {
  const guardData = guardsOf(bundle);
  return cases.map((c) =>
    contextFindings(c.text, {
      context: c.context ?? null,
      policyData: c.policy,
      guardData,
      platform: c.platform ?? null,
      today: c.today,
      groups: c.groups ?? [],
    }),
  );
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    const request = JSON.parse(line);
    answer = { result: request.cap ? capFindings(request.cap.findings, request.cap.limit) : findings(request) };
  } catch (error) {
    answer = { error: `${error.name}: ${error.message}` };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
