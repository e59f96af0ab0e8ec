// Threads: Lexical editor (role=textbox) in the "New thread" dialog and replies.
import { MOD_ENTER, defineAdapter, labelledButton } from './define-adapter.js';
import { labelNear, labelOf, targetsFrom } from '../page-context.js';

const HOSTS = ['threads.com', 'threads.net'];
const ORIGINS = ['https://www.threads.com/*', 'https://www.threads.net/*'];
const COMPOSER = '[contenteditable="true"][role="textbox"], [data-lexical-editor="true"]';

// Context: a reply shows "Replying to @name" or the box's placeholder says
// "Reply to name…" (its aria-placeholder, or Lexical's placeholder element by
// the box); else a public post.
const REPLYING_TO = /^\s*Replying to\s+@/i;
const REPLY_PLACEHOLDER = /^\s*Reply to\s+@?([\p{L}\p{N}_.]{1,30})/u;

function context(editor) {
  const line = labelNear(editor, REPLYING_TO);
  if (line) return { audience: 'reply', targets: targetsFrom([line], 'reply_to') };
  const placeholder = editor.getAttribute('aria-placeholder')
    || labelOf(editor) || labelNear(editor, REPLY_PLACEHOLDER, { levels: 3 })?.textContent || '';
  const name = REPLY_PLACEHOLDER.exec(placeholder)?.[1];
  if (name) return { audience: 'reply', targets: [{ handle: `@${name.replace(/\.+$/, '')}`, kind: 'reply_to' }] };
  return { audience: 'public', targets: [] };
}

// Secondary fields: poll options ("Option 1"...; posted with the post) and the
// edit-profile dialog's bio ("Bio", saved by "Done").
const FIELDS = [
  { name: 'poll_option', label: 'poll option', labels: /^(poll )?option [1-9]/i },
  { name: 'bio', label: 'bio', labels: /^(bio|write bio)\b/i, saveLabels: ['done', 'save'] },
];

export default defineAdapter({
  id: 'threads',
  label: 'Threads',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  fields: FIELDS,
  isSubmitControl: labelledButton(['post', 'reply']),
  submitKeys: MOD_ENTER,
  context,
});

// Test URLs: https://www.threads.com/
