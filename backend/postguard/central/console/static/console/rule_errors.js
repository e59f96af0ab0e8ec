// Validation errors beside the rule's YAML: one item per error with its line
// and field (a JSON pointer); choosing one selects that line in the editor.
import { el } from './authoring_api.js';

export function lineRange(source, line) {
  const lines = source.split('\n');
  const index = Math.min(Math.max(line, 1), lines.length) - 1;
  const start = lines.slice(0, index).reduce((sum, l) => sum + l.length + 1, 0);
  return [start, start + lines[index].length];
}

export function fieldLabel(error) {
  if (error.pointer === null) return 'shared settings';
  return error.pointer === '' ? 'the rule' : error.pointer;
}

export function renderErrors(list, errors, editor) {
  const items = errors.map((error) => {
    const where = error.line ? `line ${error.line}, ` : '';
    const item = el('li', { class: 'rule-error' },
      el('span', { class: 'rule-error-where' }, `${where}${fieldLabel(error)}: `),
      el('span', { class: 'rule-error-message' }, error.message));
    if (error.line && editor) {
      const go = el('button', { type: 'button', class: 'link' }, 'show');
      go.addEventListener('click', () => {
        const [start, end] = lineRange(editor.value, error.line);
        editor.focus();
        editor.setSelectionRange(start, end);
      });
      item.append(' ', go);
    }
    return item;
  });
  list.replaceChildren(...items);
  list.hidden = items.length === 0;
}
