// TikTok comments: a Draft.js editor; Enter posts.
import { ENTER, defineAdapter, labelledButton } from './define-adapter.js';
import { labelNear, targetsFrom } from '../page-context.js';

const HOSTS = ['tiktok.com'];
const ORIGINS = ['https://www.tiktok.com/*'];
const COMPOSER = '[data-e2e="comment-input"], [data-e2e="comment-text"], .public-DraftEditor-content';
const SUBMIT = '[data-e2e="comment-post"]';

// Context: a comment answers a video (a reply); replying to a comment shows a
// "Reply to @name" / "Replying to @name" line by the box.
const REPLYING_TO = /^\s*Reply(?:ing)? to\s+@/i;

function context(editor) {
  const line = labelNear(editor, REPLYING_TO, { levels: 6 });
  return { audience: 'reply', targets: line ? targetsFrom([line], 'reply_to') : [] };
}

// Secondary fields: the edit-profile dialog's bio ("Bio", saved by "Save").
const FIELDS = [
  { name: 'bio', label: 'bio', selector: '[data-e2e="edit-profile-bio-input"], textarea[placeholder="Bio" i]', labels: /^bio$/i, save: '[data-e2e="edit-profile-save"]', saveLabels: ['save'] },
];

export default defineAdapter({
  id: 'tiktok',
  label: 'TikTok',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  fields: FIELDS,
  submit: SUBMIT,
  isSubmitControl: labelledButton(['post']),
  submitKeys: ENTER,
  context,
});

// Test URLs: https://www.tiktok.com/@someone/video/<id>
