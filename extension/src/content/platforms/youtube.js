// YouTube comments: the box is mounted lazily (click the placeholder first);
// #contenteditable-root inside ytd-commentbox.
import { MOD_ENTER, defineAdapter } from './define-adapter.js';

const HOSTS = ['youtube.com'];
const ORIGINS = ['https://www.youtube.com/*'];
const COMPOSER = 'ytd-commentbox #contenteditable-root, #contenteditable-root[contenteditable="true"]';
const SUBMIT = 'ytd-commentbox #submit-button button, ytd-commentbox #submit-button, #submit-button button';

export default defineAdapter({
  id: 'youtube',
  label: 'YouTube',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  submit: SUBMIT,
  submitKeys: MOD_ENTER,
});

// Test URLs: https://www.youtube.com/watch?v=dQw4w9WgXcQ
