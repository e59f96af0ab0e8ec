// LinkedIn: Quill editor (.ql-editor) in the share box and in comment boxes.
import { MOD_ENTER, defineAdapter, labelledButton } from './define-adapter.js';

const HOSTS = ['linkedin.com'];
const ORIGINS = ['https://www.linkedin.com/*'];
const COMPOSER = '.ql-editor, .share-creation-state [role="textbox"], .comments-comment-box [contenteditable="true"]';
const SUBMIT = '.share-actions__primary-action, .comments-comment-box__submit-button, .comments-comment-box__submit-button--cr';

export default defineAdapter({
  id: 'linkedin',
  label: 'LinkedIn',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  submit: SUBMIT,
  isSubmitControl: labelledButton(['post', 'comment', 'reply', 'send']),
  submitKeys: MOD_ENTER,
});

// Test URLs: https://www.linkedin.com/feed/
