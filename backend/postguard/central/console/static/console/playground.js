// The playground page: send the sample and the draft choice, then show the
// verdict, the findings (masked previews only), the sample with its spans
// marked and, per candidate, the stage that kept or dropped it.
import { api, el, errorMessage, show } from './authoring_api.js';
import { renderHighlighted } from './highlight.js';
import { renderErrors } from './rule_errors.js';

function request(form) {
  const value = (name) => form.elements[name].value.trim();
  const body = { text: form.elements.text.value, bundle: value('bundle') };
  if (value('locale')) body.locale = value('locale');
  if (value('platform')) body.platform = value('platform');
  if (value('rule_id')) body.rule_id = value('rule_id');
  if (value('source')) body.source = form.elements.source.value;
  return body;
}

function findingRows(findings) {
  return findings.map((f) => el('tr', {},
    el('td', {}, f.rule_id), el('td', {}, f.severity), el('td', {}, f.action),
    el('td', {}, `${f.start}–${f.end}`), el('td', { class: 'preview' }, f.preview)));
}

function candidateRows(candidates) {
  return candidates.map((c) => el('tr', { class: `outcome-${c.outcome}` },
    el('td', {}, c.rule_id, c.draft ? ' (draft)' : ''),
    el('td', {}, `${c.start}–${c.end}`),
    el('td', { class: 'preview' }, c.preview),
    el('td', {}, c.outcome),
    el('td', {}, `${c.decided_by}: ${c.why}`),
    el('td', {}, el('ol', {}, c.steps.map((s) => el('li', {}, `${s.stage} ${s.outcome}: ${s.detail}`))))));
}

function ruleItems(rules) {
  return rules.map((r) => el('li', {}, el('strong', {}, r.rule_id, r.draft ? ' (draft)' : ''), ' ',
    r.steps.map((s) => `${s.stage} ${s.outcome}: ${s.detail}`).join('; ')));
}

export function renderResult(page, text, result) {
  show(page.verdict, el('strong', {}, result.verdict),
    ` (policy mode ${result.mode}; ${result.complete ? 'complete' : 'incomplete: '
      + result.incomplete.map((i) => `${i.rule_id || 'input'} ${i.reason}`).join(', ')})`);
  renderHighlighted(page.highlighted, text, result.findings);
  show(page.findings, findingRows(result.findings));
  show(page.candidates, candidateRows(result.trace.candidates));
  show(page.rules, ruleItems(result.trace.rules),
    result.trace.not_run.map((n) => el('li', {}, `${n.rules} other rule(s) not run: ${n.reason}`)));
  page.result.hidden = false;
}

export function init(root = document) {
  const form = root.getElementById('playground-form');
  const page = {
    result: root.getElementById('playground-result'),
    verdict: root.getElementById('playground-verdict'),
    highlighted: root.getElementById('playground-highlighted'),
    findings: root.getElementById('playground-findings'),
    candidates: root.getElementById('playground-candidates'),
    rules: root.getElementById('playground-rules'),
    status: root.getElementById('playground-status'),
    errors: root.getElementById('playground-source-errors'),
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = request(form);
    show(page.status, 'Running…');
    renderErrors(page.errors, [], null);
    const result = await api('POST', '/playground', body);
    if (result.ok) {
      show(page.status);
      renderResult(page, body.text, result.data);
      return;
    }
    page.result.hidden = true;
    show(page.status, errorMessage(result));
    renderErrors(page.errors, result.data.errors || [], form.elements.source);
  });
}

if (typeof document !== 'undefined' && document.getElementById('playground-form')) init();
