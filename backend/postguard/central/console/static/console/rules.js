// The rules page: the packaged rules and drafts, one rule's YAML in an editor,
// validate / save / upload, and each error beside the editor with its line.
import { api, el, errorMessage, show } from './authoring_api.js';
import { renderErrors } from './rule_errors.js';

export function init(root = document) {
  const list = root.getElementById('rules-list');
  const form = root.getElementById('rule-form');
  const editor = form.elements.source;
  const errors = root.getElementById('rule-errors');
  const status = root.getElementById('rule-status');
  const state = { ruleId: null, revision: null };

  const report = (result, done) => {
    const body = result.data;
    renderErrors(errors, body.errors || [], editor);
    if (!result.ok) show(status, errorMessage(result));
    else show(status, body.valid ? `${done}: valid.` : `${done}: ${body.errors.length} error(s).`);
    if (result.ok && body.draft) {
      state.ruleId = body.draft.rule_id;
      state.revision = body.draft.revision;
      show(root.getElementById('rule-title'), `${state.ruleId} (draft revision ${state.revision})`);
      load();
    }
  };

  const open = async (ruleId) => {
    const result = await api('GET', `/rules/${encodeURIComponent(ruleId)}`);
    if (!result.ok) return show(status, errorMessage(result));
    const { draft, packaged_source: packaged } = result.data;
    editor.value = draft ? draft.source : packaged;
    state.ruleId = ruleId;
    state.revision = draft ? draft.revision : null;
    show(root.getElementById('rule-title'),
      draft ? `${ruleId} (draft revision ${draft.revision})` : `${ruleId} (packaged)`);
    renderErrors(errors, [], editor);
    show(status);
  };

  const load = async () => {
    const result = await api('GET', '/rules');
    if (!result.ok) return show(status, errorMessage(result));
    show(list, result.data.rules.map((rule) => {
      const button = el('button', { type: 'button', class: 'link' }, rule.rule_id);
      button.addEventListener('click', () => open(rule.rule_id));
      const kind = rule.draft ? `draft r${rule.draft.revision}` : 'packaged';
      return el('tr', {}, el('td', {}, button), el('td', {}, rule.category || ''),
        el('td', {}, rule.type || ''), el('td', {}, rule.severity || ''), el('td', {}, kind),
        el('td', {}, rule.draft ? rule.draft.updated_by || '' : ''));
    }));
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const action = event.submitter ? event.submitter.value : 'validate';
    if (action === 'validate') {
      return report(await api('POST', '/rules/validate', { source: editor.value }), 'Checked');
    }
    const result = state.ruleId
      ? await api('PUT', `/rules/${encodeURIComponent(state.ruleId)}`,
        { source: editor.value, revision: state.revision })
      : await api('POST', '/rules', { source: editor.value });
    report(result, 'Saved');
  });

  root.getElementById('rule-new').addEventListener('click', () => {
    Object.assign(state, { ruleId: null, revision: null });
    editor.value = '';
    show(root.getElementById('rule-title'), 'New rule');
    renderErrors(errors, [], editor);
  });

  root.getElementById('rule-upload').addEventListener('change', async (event) => {
    const [file] = event.target.files;
    if (!file) return;
    editor.value = await file.text();
    Object.assign(state, { ruleId: null, revision: null });
    report(await api('POST', '/rules', editor.value, { contentType: 'application/yaml' }), 'Uploaded');
  });

  load();
}

if (typeof document !== 'undefined' && document.getElementById('rule-form')) init();
