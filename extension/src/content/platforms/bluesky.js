// Bluesky: TipTap (ProseMirror) composer; Ctrl/Cmd+Enter publishes.
import { MOD_ENTER, defineAdapter, labelledButton } from './define-adapter.js';
import { handleFromHref, labelNear, labelOf, near, targetsFrom } from '../page-context.js';

const HOSTS = ['bsky.app'];
const ORIGINS = ['https://bsky.app/*'];
const COMPOSER = '[data-testid="composerTextInput"], .ProseMirror[contenteditable="true"]';
const SUBMIT = '[data-testid="composerPublishBtn"]';

// Context: the reply composer shows the post replied to (labelled "…the full
// post you are replying to") with its author's handle or profile link, or a
// "Replying to @name" line; the box's placeholder says "Write your reply".
const REPLY_CARD = '[aria-label*="you are replying to" i]';
const REPLYING_TO = /^\s*Replying to\s+@/i;

function context(editor) {
  const card = near(editor, REPLY_CARD)[0] ?? labelNear(editor, REPLYING_TO);
  if (card) {
    const linked = [...card.querySelectorAll('a[href^="/profile/"]')]
      .map((a) => handleFromHref(a, /^\/profile\/([^/]+)/)).filter(Boolean);
    const shown = targetsFrom([card], 'reply_to');
    return { audience: 'reply', targets: [...shown, ...linked.map((handle) => ({ handle, kind: 'reply_to' }))] };
  }
  if (/\breply\b/i.test(labelOf(editor))) return { audience: 'reply', targets: [] };
  return { audience: 'public', targets: [] };
}

export default defineAdapter({
  id: 'bluesky',
  label: 'Bluesky',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  submit: SUBMIT,
  isSubmitControl: labelledButton(['post', 'reply', 'publish']),
  submitKeys: MOD_ENTER,
  context,
});

// Test URLs: https://bsky.app/
