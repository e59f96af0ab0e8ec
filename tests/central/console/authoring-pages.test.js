// The rule-authoring pages' scripts on jsdom with a fake fetch: spans marked in
// code points, user text never parsed as HTML, errors listed with their line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { JSDOM } from 'jsdom';

const STATIC = new URL('../../../backend/postguard/central/console/static/console/', import.meta.url);
const TEMPLATES = new URL('../../../backend/postguard/central/console/templates/console/', import.meta.url);

// A page from a template's content block (the console's base wraps it).
function page(name) {
  const source = readFileSync(new URL(name, TEMPLATES), 'utf8');
  const body = source.split('{% block content %}')[1].split('{% endblock %}')[0]
    .replace(/<script[^>]*><\/script>/g, '');
  const dom = new JSDOM(`<!doctype html><body>${body}</body>`);
  globalThis.document = dom.window.document;
  return dom.window.document;
}

globalThis.document = new JSDOM('').window.document;
const { segments, renderHighlighted } = await import(new URL('highlight.js', STATIC));
const { renderErrors, lineRange } = await import(new URL('rule_errors.js', STATIC));
const playground = await import(new URL('playground.js', STATIC));

test('segments count code points, as the engines do', () => {
  const text = '😀 key acme_x ok';
  const parts = segments(text, [{ start: 6, end: 12, rule_id: 'r' }]);
  assert.deepEqual(parts.map((p) => p.text), ['😀 key ', 'acme_x', ' ok']);
  assert.equal(parts[1].span.rule_id, 'r');
});

test('overlapping or out-of-range spans are not marked twice', () => {
  const parts = segments('abcdef', [{ start: 1, end: 4 }, { start: 2, end: 3 }, { start: 5, end: 9 }]);
  assert.deepEqual(parts.map((p) => [p.text, Boolean(p.span)]), [['a', false], ['bcd', true], ['ef', false]]);
});

test('the sample is shown as text, never as HTML', () => {
  const doc = page('playground.html');
  const box = doc.getElementById('playground-highlighted');
  const text = '<img src=x onerror=alert(1)> card 4111';
  renderHighlighted(box, text, [{ start: 34, end: 38, rule_id: 'c', severity: 'high' }]);
  assert.equal(box.querySelector('img'), null);
  assert.equal(box.textContent, text);
  assert.equal(box.querySelector('mark').textContent, '4111');
});

test('errors are listed with line and field, and select their line', () => {
  const doc = page('rules.html');
  const editor = doc.getElementById('rule-source');
  editor.value = 'id: x\nname: y\npattern: "\\d"\n';
  const list = doc.getElementById('rule-errors');
  renderErrors(list, [{ pointer: '/pattern', line: 3, message: 'pattern: \\d is not portable' }], editor);
  assert.equal(list.hidden, false);
  assert.match(list.textContent, /line 3, \/pattern: pattern: \\d is not portable/);
  list.querySelector('button').click();
  assert.deepEqual([editor.selectionStart, editor.selectionEnd], lineRange(editor.value, 3));
  assert.equal(editor.value.slice(editor.selectionStart, editor.selectionEnd), 'pattern: "\\d"');
});

test('the playground posts the form and shows verdict, marks and trace', async () => {
  const doc = page('playground.html');
  const sample = 'key acme_7f3k9q2m8x4v1z6b now';
  const answer = {
    verdict: 'block', mode: 'enforce', complete: true, incomplete: [],
    findings: [{ rule_id: 'acme-key', severity: 'high', action: 'block', start: 4, end: 25, preview: '•••• z6b' }],
    trace: {
      candidates: [{ rule_id: 'acme-key', draft: true, start: 4, end: 25, preview: '•••• z6b', outcome: 'reported',
        decided_by: 'cap', why: 'reported', steps: [{ stage: 'score', outcome: 'kept', detail: 'score 0.50' }] }],
      rules: [{ rule_id: 'acme-key', draft: true, steps: [{ stage: 'anchors', outcome: 'ran', detail: 'keyword' }] }],
      not_run: [{ reason: 'none of its keywords occurs', rules: 400 }],
    },
  };
  const sent = [];
  globalThis.fetch = async (url, options) => {
    sent.push({ url, options });
    return { ok: true, status: 200, json: async () => answer };
  };
  playground.init(doc);
  const form = doc.getElementById('playground-form');
  form.elements.text.value = sample;
  form.elements.platform.value = 'x';
  form.dispatchEvent(new doc.defaultView.Event('submit', { cancelable: true }));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(sent[0].url, '/console/api/playground');
  assert.deepEqual(JSON.parse(sent[0].options.body), { text: sample, bundle: 'drafts', platform: 'x' });
  assert.equal(doc.getElementById('playground-result').hidden, false);
  assert.equal(doc.querySelector('#playground-highlighted mark').textContent, 'acme_7f3k9q2m8x4v1z6b');
  assert.match(doc.getElementById('playground-verdict').textContent, /^block/);
  assert.match(doc.getElementById('playground-candidates').textContent, /reported.*cap: reported/);
  assert.match(doc.getElementById('playground-rules').textContent, /400 other rule\(s\) not run/);
});

test('a refused draft lists its errors beside the source field', async () => {
  const doc = page('playground.html');
  globalThis.fetch = async () => ({
    ok: false, status: 422,
    json: async () => ({ error: { code: 'invalid_rule', message: 'The draft cannot be built.' },
      errors: [{ pointer: '/severity', line: 5, message: "schema: at severity: 'x' is not one of" }] }),
  });
  playground.init(doc);
  const form = doc.getElementById('playground-form');
  form.elements.text.value = 'x';
  form.elements.source.value = 'a\nb\nc\nd\nseverity: x\n';
  form.dispatchEvent(new doc.defaultView.Event('submit', { cancelable: true }));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.match(doc.getElementById('playground-source-errors').textContent, /line 5, \/severity/);
  assert.match(doc.getElementById('playground-status').textContent, /cannot be built\. \(invalid_rule\)/);
});
