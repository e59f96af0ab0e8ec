// X (Twitter): Draft.js composer for posts, replies and DMs.
import { MOD_ENTER, defineAdapter } from './define-adapter.js';

const HOSTS = ['x.com', 'twitter.com'];
const ORIGINS = ['https://x.com/*', 'https://twitter.com/*'];
const COMPOSER = '[data-testid^="tweetTextarea_"], [data-testid="dmComposerTextInput"]';
const SUBMIT = '[data-testid="tweetButton"], [data-testid="tweetButtonInline"], [data-testid="dmComposerSendButton"]';

export default defineAdapter({
  id: 'x',
  label: 'X',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  submit: SUBMIT,
  submitKeys: MOD_ENTER,
});

// Test URLs: https://x.com/home, https://x.com/compose/post, https://x.com/messages
