// Bluesky: TipTap (ProseMirror) composer; Ctrl/Cmd+Enter publishes.
import { MOD_ENTER, defineAdapter, labelledButton } from './define-adapter.js';
import { handleFromHref, labelNear, labelOf, near, targetsFrom } from '../page-context.js';

const HOSTS = ['bsky.app'];
const ORIGINS = ['https://bsky.app/*'];
const COMPOSER = '[data-testid="composerTextInput"], .ProseMirror[contenteditable="true"]';
const SUBMIT = '[data-testid="composerPublishBtn"]';

// Context: the reply composer shows the post replied to (labelled "…the full
// post you are replying to"): its author's @handle, profile link, or the bare
// domain handle shown when the author has no display name; or a "Replying to
// @name" line. The box's placeholder says "Write your reply".
const REPLY_CARD = '[aria-label*="you are replying to" i]';
const REPLYING_TO = /^\s*Replying to\s+@/i;
const DOMAIN_HANDLE = /^\s*([a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+)\s*$/i;

function authorOf(card) {
  const shown = targetsFrom([card], 'reply_to');
  if (shown.length) return shown;
  const linked = [...card.querySelectorAll('a[href^="/profile/"]')]
    .map((a) => handleFromHref(a, /^\/profile\/([^/]+)/)).filter(Boolean);
  // The author line: the card's first element with text of its own.
  const first = [...card.querySelectorAll('div, span')].find((el) => el.children.length === 0 && el.textContent.trim());
  const bare = DOMAIN_HANDLE.exec(first?.textContent ?? '')?.[1];
  return [...linked, ...(bare ? [`@${bare}`] : [])].slice(0, 1).map((handle) => ({ handle, kind: 'reply_to' }));
}

function context(editor) {
  const card = near(editor, REPLY_CARD)[0] ?? labelNear(editor, REPLYING_TO);
  if (card) return { audience: 'reply', targets: authorOf(card) };
  if (/\breply\b/i.test(labelOf(editor))) return { audience: 'reply', targets: [] };
  return { audience: 'public', targets: [] };
}

// Secondary fields: the image dialog's alt text ("altTextImageInput",
// "altTextImageSaveBtn"), and the edit-profile dialog's description
// ("editProfileDescriptionInput", "editProfileSaveBtn").
const FIELDS = [
  {
    name: 'alt_text',
    label: 'image description',
    selector: '[data-testid="altTextImageInput"]',
    labels: /\balt text\b/i,
    save: '[data-testid="altTextImageSaveBtn"]',
    saveLabels: ['save', 'save alt text', 'done'],
  },
  {
    name: 'bio',
    label: 'profile description',
    selector: '[data-testid="editProfileDescriptionInput"]',
    save: '[data-testid="editProfileSaveBtn"]',
    saveLabels: ['save', 'save changes'],
  },
];

export default defineAdapter({
  id: 'bluesky',
  label: 'Bluesky',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  fields: FIELDS,
  submit: SUBMIT,
  isSubmitControl: labelledButton(['post', 'reply', 'publish']),
  submitKeys: MOD_ENTER,
  context,
});

// Test URLs: https://bsky.app/
