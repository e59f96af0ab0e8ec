// The JS policy twin (extension/src/engine/policy.js) for the Python parity test:
// one JSON line in, one JSON line out, in order.
//   {"policy": {...}, "findings": [...], "platform": "x" | null, "complete": bool,
//    "unlisted": [{rule_id, category, severity}, ...], "rules": [{id, simulate?}, ...],
//    "audience": "dm" | null, "attachment": bool}
//        -> {"result": {"findings": [...], "verdict": "..."}}
// Errors come back as {"error": "..."} so one bad case does not end the run.
import { createInterface } from 'node:readline';

import { applyPolicy, compilePolicy } from '../../extension/src/engine/policy.js';

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    const { policy, findings, platform, complete, unlisted, rules, audience, attachment } = JSON.parse(line);
    const compiled = compilePolicy(policy, rules);
    answer = {
      result: applyPolicy(compiled, findings, platform, complete, unlisted, audience ?? null, attachment === true),
    };
  } catch (error) {
    answer = { error: `${error.name}: ${error.message}` };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
