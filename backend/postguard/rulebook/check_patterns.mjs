// Reads [{id, pattern, flags, inputs}] as JSON on stdin. For each entry it compiles
// the pattern the way the JS engine does (flags + "gud") and runs it over every
// input, printing one JSON line before and after, so the Python caller can tell
// which pattern hung if it has to kill this process.
import { readFileSync } from 'node:fs';

const entries = JSON.parse(readFileSync(0, 'utf8'));
for (const entry of entries) {
  process.stdout.write(`${JSON.stringify({ id: entry.id, phase: 'start' })}\n`);
  let regex;
  try {
    regex = new RegExp(entry.pattern, `${entry.flags || ''}gud`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ id: entry.id, phase: 'error', error: error.message })}\n`);
    continue;
  }
  for (const input of entry.inputs || []) {
    for (const match of input.matchAll(regex)) {
      void match;
    }
  }
  process.stdout.write(`${JSON.stringify({ id: entry.id, phase: 'done' })}\n`);
}
