// Runs the recheck ReDoS analyser on patterns. Reads
//   {"recheck": "<dir of the recheck package>", "params": {...},
//    "entries": [{"key", "pattern", "flags"}]}
// as JSON on stdin and prints one JSON line per entry, in the order they finish:
//   {"key", "status": "safe"|"vulnerable"|"unknown", "checker", "complexity",
//    "degree", "summary", "attackLength", "error"}
// Patterns are checked a few at a time (recheck's native agent runs them in
// parallel); the attack string itself is never printed, only its length.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';

const request = JSON.parse(readFileSync(0, 'utf8'));
const { check } = createRequire(import.meta.url)(request.recheck);

function describe(entry, result) {
  const line = { key: entry.key, status: result.status, checker: result.checker ?? null };
  if (result.complexity) {
    line.complexity = result.complexity.type;
    line.degree = result.complexity.degree ?? null;
    line.summary = result.complexity.summary;
  }
  if (result.attack) line.attackLength = result.attack.string.length;
  if (result.error) line.error = result.error.message ?? result.error.kind;
  return line;
}

async function analyse(entry) {
  try {
    // Both engines compile with the u flag; g, d and y do not change backtracking.
    return describe(entry, await check(entry.pattern, `${entry.flags}u`, request.params));
  } catch (error) {
    return { key: entry.key, status: 'unknown', error: String(error?.message ?? error) };
  }
}

const queue = [...request.entries];
async function worker() {
  while (queue.length) {
    const line = await analyse(queue.shift());
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

const workers = Math.max(1, Math.min(availableParallelism(), queue.length));
await Promise.all(Array.from({ length: workers }, worker));
