// Threads: Lexical editor (role=textbox) in the "New thread" dialog and replies.
import { MOD_ENTER, defineAdapter, labelledButton } from './define-adapter.js';

const HOSTS = ['threads.com', 'threads.net'];
const ORIGINS = ['https://www.threads.com/*', 'https://www.threads.net/*'];
const COMPOSER = '[contenteditable="true"][role="textbox"], [data-lexical-editor="true"]';

export default defineAdapter({
  id: 'threads',
  label: 'Threads',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  isSubmitControl: labelledButton(['post', 'reply']),
  submitKeys: MOD_ENTER,
});

// Test URLs: https://www.threads.com/
