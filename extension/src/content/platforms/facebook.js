// Facebook: Lexical editors. Enter posts a comment; the post dialog needs its
// Post button (or Ctrl/Cmd+Enter).
import { ENTER, MOD_ENTER, defineAdapter, labelledButton } from './define-adapter.js';
import { closestComposed } from '../dom.js';

const HOSTS = ['facebook.com'];
const ORIGINS = ['https://www.facebook.com/*'];
const COMPOSER = '[data-lexical-editor="true"], [contenteditable="true"][role="textbox"]';
const SUBMIT = '[aria-label="Post"], [aria-label="Comment"], [aria-label="Send"], [aria-label="Reply"]';
const COMMENT_BOX = '[aria-label*="comment" i], [aria-placeholder*="comment" i], [data-fb-comment-box]';

export default defineAdapter({
  id: 'facebook',
  label: 'Facebook',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  submit: SUBMIT,
  isSubmitControl: labelledButton(['post', 'comment', 'reply', 'send']),
  submitKeys: MOD_ENTER,
  submitKeysFor: (editor) => (closestComposed(editor, COMMENT_BOX) ? ENTER : MOD_ENTER),
});

// Test URLs: https://www.facebook.com/, https://www.facebook.com/permalink.php?story_fbid=1&id=1
