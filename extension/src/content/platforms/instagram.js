// Instagram web: a React <textarea> for comments, a Lexical box in DMs. Enter sends.
import { ENTER, defineAdapter, labelledButton } from './define-adapter.js';

const HOSTS = ['instagram.com'];
const ORIGINS = ['https://www.instagram.com/*'];
const COMPOSER = 'textarea[aria-label*="comment" i], textarea[placeholder*="comment" i], form textarea, [contenteditable="true"][role="textbox"], [data-lexical-editor="true"]';

export default defineAdapter({
  id: 'instagram',
  label: 'Instagram',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  submit: 'form button[type="submit"]',
  isSubmitControl: labelledButton(['post', 'send', 'reply']),
  submitKeys: ENTER,
});

// Test URLs: https://www.instagram.com/p/<id>/, https://www.instagram.com/direct/t/<id>/
