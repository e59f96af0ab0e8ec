// X (Twitter): Draft.js composer for posts, replies and DMs; Enter sends a DM.
import { ENTER, MOD_ENTER, defineAdapter } from './define-adapter.js';
import { labelNear, near, pathOf, targetsFrom } from '../page-context.js';

const HOSTS = ['x.com', 'twitter.com'];
const ORIGINS = ['https://x.com/*', 'https://twitter.com/*'];
const COMPOSER = '[data-testid^="tweetTextarea_"], [data-testid="dmComposerTextInput"]';
const SUBMIT = '[data-testid="tweetButton"], [data-testid="tweetButtonInline"], [data-testid="dmComposerSendButton"]';

// Context: a DM (the DM composer or a messages path; the recipient's @handle
// in the conversation header), a reply (the "Replying to @name" line above the
// box), else a public post.
const DM_BOX = '[data-testid="dmComposerTextInput"]';
const DM_PATH = /^\/(messages|i\/chat)(\/|$)/;
const DM_HEADER = '[data-testid="DMConversationHeader"], [data-testid="DM_Conversation_Header"], [data-testid="conversation-header"]';
const REPLY_LINE = '[data-testid="inlineReplyingTo"], [aria-label^="Replying to" i]';
const REPLYING_TO = /^\s*Replying to\s+@/i;

function context(editor) {
  if (editor.closest(DM_BOX) || editor.querySelector(DM_BOX) || DM_PATH.test(pathOf(editor))) {
    return { audience: 'dm', targets: targetsFrom(near(editor, DM_HEADER, 14), 'dm') };
  }
  const line = near(editor, REPLY_LINE)[0] ?? labelNear(editor, REPLYING_TO);
  if (line) return { audience: 'reply', targets: targetsFrom([line], 'reply_to') };
  return { audience: 'public', targets: [] };
}

// Secondary fields: the media editor's alt text ("altTextInput", saved by
// "Save"/"Done"), poll choices ("Choice 1"... inputs in the composer, posted with
// the post), and the edit-profile dialog's bio (textarea[name="description"],
// "Profile_Save_Button").
const FIELDS = [
  {
    name: 'alt_text',
    label: 'image description',
    selector: '[data-testid="altTextInput"], textarea[name="altText"]',
    labels: /^(alt text|description)\b/i,
    save: '[data-testid="applyButton"], [data-testid="altTextDoneButton"], [data-testid="endEditingButton"]',
    saveLabels: ['save', 'done', 'apply'],
  },
  {
    name: 'poll_option',
    label: 'poll choice',
    selector: '[data-testid="tweetPoll"] input, input[name^="Choice" i]',
    labels: /^choice [1-9]/i,
  },
  {
    name: 'bio',
    label: 'profile bio',
    selector: 'textarea[name="description"]',
    save: '[data-testid="Profile_Save_Button"]',
  },
];

export default defineAdapter({
  id: 'x',
  label: 'X',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  fields: FIELDS,
  submit: SUBMIT,
  submitKeys: MOD_ENTER,
  submitKeysFor: (editor) => (editor.closest(DM_BOX) ? ENTER : MOD_ENTER),
  context,
});

// Test URLs: https://x.com/home, https://x.com/compose/post, https://x.com/<user>/status/<id>, https://x.com/messages/<id>
