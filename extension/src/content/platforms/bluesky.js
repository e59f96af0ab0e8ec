// Bluesky: TipTap (ProseMirror) composer; Ctrl/Cmd+Enter publishes.
import { MOD_ENTER, defineAdapter, labelledButton } from './define-adapter.js';

const HOSTS = ['bsky.app'];
const ORIGINS = ['https://bsky.app/*'];
const COMPOSER = '[data-testid="composerTextInput"], .ProseMirror[contenteditable="true"]';
const SUBMIT = '[data-testid="composerPublishBtn"]';

export default defineAdapter({
  id: 'bluesky',
  label: 'Bluesky',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  submit: SUBMIT,
  isSubmitControl: labelledButton(['post', 'reply', 'publish']),
  submitKeys: MOD_ENTER,
});

// Test URLs: https://bsky.app/
