// LinkedIn: Quill editor (.ql-editor) in the share box and in comment boxes.
import { MOD_ENTER, defineAdapter, labelledButton } from './define-adapter.js';
import { handleFromHref, labelOf, near } from '../page-context.js';

const HOSTS = ['linkedin.com'];
const ORIGINS = ['https://www.linkedin.com/*'];
const COMPOSER = '.ql-editor, .share-creation-state [role="textbox"], .comments-comment-box [contenteditable="true"], .msg-form__contenteditable';
const SUBMIT = '.share-actions__primary-action, .comments-comment-box__submit-button, .comments-comment-box__submit-button--cr, .msg-form__send-button';

// Context: a message (the messaging form; the recipient's profile link in the
// conversation header, /in/<name>), a comment (the comment replied to, else the
// post's author), else the share box's audience button ("Anyone",
// "Connections only", a group).
const MESSAGE_FORM = '.msg-form';
const RECIPIENT = '.msg-overlay-bubble-header a[href*="/in/"], .msg-thread__link-to-profile, .msg-entity-lockup a[href*="/in/"], .msg-title-bar a[href*="/in/"]';
const COMMENT_BOX = '.comments-comment-box, .comments-comment-texteditor';
const COMMENT_AUTHOR = '.comments-comment-meta__description-container a[href], .comments-post-meta a[href], .update-components-actor__meta-link';
const AUDIENCE_BUTTON = '.share-unified-settings-entry-button, .share-box-footer__visibility-button, [aria-label*="visibility" i]';
const PROFILE = /^\/(?:in|company)\/([^/]+)/;

const handlesOf = (links, kind) => links.map((a) => handleFromHref(a, PROFILE)).filter(Boolean)
  .slice(0, 1).map((handle) => ({ handle, kind }));

function context(editor) {
  if (editor.closest(MESSAGE_FORM)) return { audience: 'dm', targets: handlesOf(near(editor, RECIPIENT, 14), 'dm') };
  if (editor.closest(COMMENT_BOX)) return { audience: 'reply', targets: handlesOf(near(editor, COMMENT_AUTHOR, 12), 'reply_to') };
  const label = labelOf(near(editor, AUDIENCE_BUTTON, 12)[0]);
  if (/connections|group/i.test(label)) return { audience: 'followers', targets: [] };
  if (/anyone|public/i.test(label)) return { audience: 'public', targets: [] };
  return { audience: editor.closest('.share-box, .share-creation-state, [role="dialog"]') ? 'public' : 'unknown', targets: [] };
}

// Secondary fields: alt text in the image editor ("Alternative text"), poll
// options in the poll form, an article's title, and the profile's headline and
// About section (edit forms saved by "Save").
const FIELDS = [
  { name: 'alt_text', label: 'alternative text', labels: /\balt(ernative)? text\b/i, saveLabels: ['save', 'done', 'add'] },
  { name: 'poll_option', label: 'poll option', selector: 'input[id^="poll-option"], input[name^="poll-option"]', labels: /^option [1-9]/i },
  { name: 'link_title', label: 'article title', selector: 'textarea.article-editor-headline__textarea, [data-test-article-editor-title] textarea', labels: /^(article )?title$/i },
  { name: 'headline', label: 'headline', selector: 'input[id*="headline" i], textarea[id*="headline" i]', labels: /^headline\b/i, saveLabels: ['save'] },
  { name: 'about', label: 'About section', selector: 'textarea[id*="summary" i]', labels: /^(about|summary)\b/i, saveLabels: ['save'] },
];

export default defineAdapter({
  id: 'linkedin',
  label: 'LinkedIn',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  fields: FIELDS,
  submit: SUBMIT,
  isSubmitControl: labelledButton(['post', 'comment', 'reply', 'send']),
  submitKeys: MOD_ENTER,
  context,
});

// Test URLs: https://www.linkedin.com/feed/
