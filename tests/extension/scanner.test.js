// The content script's scan path: it only asks the service worker (which answers
// from the service or the offline engine); it never runs the engine itself.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createScanner } from '../../extension/src/content/scanner.js';

test('an answer with findings is passed through, from the service or offline', async () => {
  for (const source of ['service', 'offline']) {
    const scan = createScanner({
      send: async (m) => ({ source, findings: [], verdict: 'allow', failPolicy: 'open', echo: m.text }),
    });
    const result = await scan('hi', 'x');
    assert.equal(result.source, source);
    assert.equal(result.echo, 'hi');
  }
});

test('no answer: unchecked, with the fail policy and why', async () => {
  const scan = createScanner({ send: async () => ({ source: 'unchecked', reason: 'unreachable', failPolicy: 'closed' }) });
  assert.deepEqual(await scan('hi', 'x'), { source: 'unchecked', reason: 'unreachable', failPolicy: 'closed' });
  const broken = createScanner({ send: async () => { throw new Error('Extension context invalidated.'); } });
  assert.deepEqual(await broken('hi', 'x'), { source: 'unchecked', reason: 'extension-reloaded', failPolicy: 'open' });
});

test('no content module imports the engine: a runaway match cannot freeze the page', () => {
  const dir = new URL('../../extension/src/content/', import.meta.url);
  const files = readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.js'));
  assert.ok(files.length > 10);
  for (const file of files) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    assert.ok(!/from ['"][./]*engine\//.test(source) && !source.includes("'../engine/"), file);
  }
});
