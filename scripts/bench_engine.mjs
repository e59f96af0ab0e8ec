// The JS engine (the extension's offline engine) on the shared post texts; the
// twin of scripts/bench.py's engine figures, called by it with --js.
//
//   node scripts/bench_engine.mjs TEXTS_DIR BUNDLE.json [ROUNDS]
//
// Prints one JSON object: p50/p99 per size and the median MB/s over the 100 KB
// articles, measured like bench.py (a warm-up pass, then ROUNDS timed passes).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileBundle, scan } from '../extension/src/engine/index.js';

const [textsDir, bundlePath, roundsArg = '3'] = process.argv.slice(2);
const rounds = Number(roundsArg);
const compiled = compileBundle(JSON.parse(readFileSync(bundlePath, 'utf8')));

const texts = (size) =>
  readFileSync(join(textsDir, `posts-${size}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line).text);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
function percentile(values, pct) {
  const ordered = [...values].sort((a, b) => a - b);
  return ordered[Math.min(ordered.length - 1, Math.round((pct / 100) * (ordered.length - 1)))];
}

function latency(posts) {
  for (const post of posts) scan(compiled, post);
  const timings = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const post of posts) {
      const started = performance.now();
      scan(compiled, post);
      timings.push(performance.now() - started);
    }
  }
  return { scans: timings.length, p50_ms: median(timings), p99_ms: percentile(timings, 99) };
}

function throughput(articles) {
  const rates = [];
  for (const article of articles) {
    const bytes = Buffer.byteLength(article, 'utf8');
    scan(compiled, article);
    const timings = [];
    for (let n = 0; n < 5 * rounds; n += 1) {
      const started = performance.now();
      scan(compiled, article);
      timings.push(performance.now() - started);
    }
    rates.push(bytes / (median(timings) / 1000) / 1e6);
  }
  return { texts: articles.length, mb_per_s: median(rates) };
}

console.log(
  JSON.stringify({
    node: process.version,
    rules: compiled.rules.length,
    latency_280: latency(texts(280)),
    latency_3000: latency(texts(3000)),
    throughput_100000: throughput(texts(100000)),
  }),
);
