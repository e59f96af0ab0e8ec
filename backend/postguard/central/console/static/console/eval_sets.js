// The evaluation-set page: upload corpus-style JSONL, and run one rule over a
// set: how many posts it flags and, on labelled positives, its recall.
import { api, el, errorMessage, show } from './authoring_api.js';
import { renderErrors } from './rule_errors.js';

const percent = (x) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)} %`);

export function reportNodes(r) {
  const rows = [
    ['Set', `${r.set} (${r.kind})`],
    ['Rule', `${r.rule_id} (${r.rule_type})`],
    ['Scanned', `${r.scanned} of ${r.records}${r.complete ? '' : ' (stopped at the time cap)'}`],
    ['Flagged', `${r.flagged} (${percent(r.flagged_rate)})`],
    ['Scans out of time', String(r.incomplete_scans)],
  ];
  if (r.kind === 'positive') rows.push(['Recall', `${r.found} of ${r.labelled} (${percent(r.recall)})`]);
  return [
    el('dl', {}, rows.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
    el('ul', {}, r.flagged_lines.map((f) => el('li', {}, `line ${f.line}: ${f.preview}`))),
  ];
}

export function init(root = document) {
  const list = root.getElementById('eval-sets-list');
  const picker = root.getElementById('eval-run-form').elements.set;
  const status = root.getElementById('eval-status');
  const output = root.getElementById('eval-report');
  const errors = root.getElementById('eval-source-errors');

  const load = async () => {
    const result = await api('GET', '/eval-sets');
    if (!result.ok) return show(status, errorMessage(result));
    const sets = result.data.eval_sets;
    show(list, sets.map((s) => el('tr', {}, el('td', {}, s.name), el('td', {}, s.kind),
      el('td', {}, String(s.records)), el('td', {}, String(s.size_bytes)),
      el('td', {}, s.uploaded_by || ''), el('td', {}, s.uploaded_at || ''))));
    show(picker, sets.map((s) => el('option', { value: s.name }, s.name)));
  };

  root.getElementById('eval-upload-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    const [file] = form.elements.file.files;
    if (!file) return;
    const name = encodeURIComponent(form.elements.name.value.trim());
    const result = await api('POST', `/eval-sets?name=${name}`, file, { contentType: 'application/x-ndjson' });
    show(status, result.ok ? `Uploaded ${result.data.records} record(s).` : errorMessage(result));
    if (result.ok) load();
  });

  root.getElementById('eval-run-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    const body = form.elements.source.value.trim()
      ? { source: form.elements.source.value } : { rule_id: form.elements.rule_id.value.trim() };
    show(status, 'Running…');
    renderErrors(errors, [], null);
    const result = await api('POST', `/eval-sets/${encodeURIComponent(picker.value)}/run`, body);
    if (!result.ok) {
      show(output);
      renderErrors(errors, result.data.errors || [], form.elements.source);
      return show(status, errorMessage(result));
    }
    show(status);
    show(output, reportNodes(result.data));
  });

  load();
}

if (typeof document !== 'undefined' && document.getElementById('eval-run-form')) init();
