// Meta-test: every adapter file is listed in platforms/index.js, alphabetised,
// small, with its selectors at the top and a "Test URLs" comment.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

const DIR = new URL('../../extension/src/content/platforms/', import.meta.url);
const NOT_ADAPTERS = new Set(['index.js', 'define-adapter.js']);
const files = readdirSync(DIR).filter((f) => f.endsWith('.js') && !NOT_ADAPTERS.has(f));
const index = readFileSync(new URL('index.js', DIR), 'utf8');

test('every adapter file is imported by index.js', () => {
  const imported = [...index.matchAll(/from '\.\/([\w-]+\.js)'/g)].map((m) => m[1]).filter((f) => !NOT_ADAPTERS.has(f));
  assert.deepEqual([...imported].sort(), [...files].sort());
});

test('site adapters are listed alphabetically', () => {
  const list = index.match(/SITE_ADAPTERS = Object\.freeze\(\[([^\]]+)\]/)[1].split(',').map((s) => s.trim()).filter(Boolean);
  assert.deepEqual(list, [...list].sort());
  assert.deepEqual([...list, 'generic'].sort(), files.map((f) => f.replace('.js', '')).sort());
});

for (const file of files) {
  test(`${file}: small, selectors on top, Test URLs noted`, () => {
    const source = readFileSync(new URL(file, DIR), 'utf8');
    assert.ok(source.split('\n').length <= 120, 'adapter stays under 120 lines');
    assert.match(source, /^\/\/ Test URLs: /m);
    const firstConst = source.search(/^const [A-Z_]+ = /m);
    const firstFunctionOrExport = source.search(/^(export|function) /m);
    assert.ok(firstConst !== -1 && firstConst < firstFunctionOrExport, 'selectors are constants at the top');
  });
}
