// Facebook: Lexical editors. Enter posts a comment; the post dialog needs its
// Post button (or Ctrl/Cmd+Enter).
import { ENTER, MOD_ENTER, defineAdapter, labelledButton } from './define-adapter.js';
import { closestComposed } from '../dom.js';
import { handleFromHref, labelOf, near, pathOf } from '../page-context.js';

const HOSTS = ['facebook.com'];
const ORIGINS = ['https://www.facebook.com/*'];
const COMPOSER = '[data-lexical-editor="true"], [contenteditable="true"][role="textbox"]';
const SUBMIT = '[aria-label="Post"], [aria-label="Comment"], [aria-label="Send"], [aria-label="Reply"]';
const COMMENT_BOX = '[aria-label*="comment" i], [aria-placeholder*="comment" i], [data-fb-comment-box]';

// Context: Messenger (a /messages/ path or a box labelled "Message"; the
// profile link in the conversation header), a comment (the author of the
// comment replied to: the comment is an article labelled "Comment by …"),
// else the Create post dialog's audience button ("Public", "Friends", "Only me").
const DM_PATH = /^\/messages(\/|$)/;
const DM_HEADER_LINK = '[role="main"] [role="banner"] a[href], [aria-label^="Conversation" i] header a[href]';
const COMMENT = '[role="article"][aria-label*="comment" i]';
const AUDIENCE_BUTTON = '[aria-label^="Edit privacy" i], [aria-label*="Sharing with" i], [aria-label^="Select audience" i]';
const PROFILE = /^\/(?!profile\.php|messages|groups|watch|photo)([A-Za-z0-9.]{3,50})\/?$/;

const linkHandle = (links, kind) => links.map((a) => handleFromHref(a, PROFILE)).filter(Boolean)
  .slice(0, 1).map((handle) => ({ handle, kind }));

function context(editor) {
  if (DM_PATH.test(pathOf(editor)) || /^message\b/i.test(labelOf(editor))) {
    return { audience: 'dm', targets: linkHandle(near(editor, DM_HEADER_LINK, 14), 'dm') };
  }
  if (closestComposed(editor, COMMENT_BOX)) {
    const comment = editor.closest(COMMENT) ?? near(editor, COMMENT, 6)[0];
    return { audience: 'reply', targets: comment ? linkHandle([...comment.querySelectorAll('a[href]')], 'reply_to') : [] };
  }
  const label = labelOf(near(editor, AUDIENCE_BUTTON, 12)[0]);
  if (/only me|friends|custom|specific/i.test(label)) return { audience: /only me/i.test(label) ? 'dm' : 'followers', targets: [] };
  if (/public/i.test(label)) return { audience: 'public', targets: [] };
  return { audience: 'unknown', targets: [] };
}

// Secondary fields: a photo's alternative text ("Alternative text", saved by
// "Save"), and the profile's bio ("Describe who you are", saved by "Save").
const FIELDS = [
  { name: 'alt_text', label: 'alternative text', labels: /\balt(ernative)? text\b/i, saveLabels: ['save', 'done'] },
  { name: 'bio', label: 'bio', labels: /^(bio|describe who you are)\b/i, saveLabels: ['save'] },
];

export default defineAdapter({
  id: 'facebook',
  label: 'Facebook',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  fields: FIELDS,
  submit: SUBMIT,
  isSubmitControl: labelledButton(['post', 'comment', 'reply', 'send']),
  submitKeys: MOD_ENTER,
  submitKeysFor: (editor) => (closestComposed(editor, COMMENT_BOX) ? ENTER : MOD_ENTER),
  context,
});

// Test URLs: https://www.facebook.com/, https://www.facebook.com/permalink.php?story_fbid=1&id=1
