// TikTok comments: a Draft.js editor; Enter posts.
import { ENTER, defineAdapter, labelledButton } from './define-adapter.js';

const HOSTS = ['tiktok.com'];
const ORIGINS = ['https://www.tiktok.com/*'];
const COMPOSER = '[data-e2e="comment-input"], [data-e2e="comment-text"], .public-DraftEditor-content';
const SUBMIT = '[data-e2e="comment-post"]';

export default defineAdapter({
  id: 'tiktok',
  label: 'TikTok',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  submit: SUBMIT,
  isSubmitControl: labelledButton(['post']),
  submitKeys: ENTER,
});

// Test URLs: https://www.tiktok.com/@someone/video/<id>
