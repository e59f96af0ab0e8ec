// Reddit: the shreddit-composer web component around a Lexical editor; older
// pages use a plain textarea.
import { MOD_ENTER, defineAdapter, labelledButton } from './define-adapter.js';

const HOSTS = ['reddit.com'];
const ORIGINS = ['https://www.reddit.com/*'];
const COMPOSER = 'shreddit-composer, [data-lexical-editor="true"], textarea[name="text"], textarea[name="body"]';
const SUBMIT = 'button[slot="submit-button"], shreddit-composer button[type="submit"], comment-composer-host button[type="submit"]';

export default defineAdapter({
  id: 'reddit',
  label: 'Reddit',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  submit: SUBMIT,
  isSubmitControl: labelledButton(['comment', 'post', 'reply', 'save']),
  submitKeys: MOD_ENTER,
});

// Test URLs: https://www.reddit.com/r/test/comments/abc123/a_post/
