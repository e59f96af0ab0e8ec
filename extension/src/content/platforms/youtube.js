// YouTube comments: the box is mounted lazily (click the placeholder first);
// #contenteditable-root inside ytd-commentbox.
import { MOD_ENTER, defineAdapter } from './define-adapter.js';
import { targetsFrom } from '../page-context.js';

const HOSTS = ['youtube.com'];
const ORIGINS = ['https://www.youtube.com/*', 'https://studio.youtube.com/*'];
const COMPOSER = 'ytd-commentbox #contenteditable-root, #contenteditable-root[contenteditable="true"]';
const SUBMIT = 'ytd-commentbox #submit-button button, ytd-commentbox #submit-button, #submit-button button';

// Context: every comment answers a video (a reply); a reply box sits inside the
// comment it answers, whose #author-text shows the author's @handle.
const COMMENT = 'ytd-comment-view-model, ytd-comment-renderer';
const AUTHOR = '#author-text, #header-author a[href^="/@"]';

function context(editor) {
  const comment = editor.closest(COMMENT) ?? editor.closest('ytd-comment-thread-renderer')?.querySelector(COMMENT);
  const author = comment?.querySelector(AUTHOR);
  return { audience: 'reply', targets: author ? targetsFrom([author], 'reply_to').slice(0, 1) : [] };
}

// Secondary fields: the channel description in YouTube Studio's profile
// settings (studio.youtube.com: "Channel description", saved by "Publish").
const FIELDS = [
  { name: 'channel_description', label: 'channel description', labels: /\bchannel description\b|tell viewers about your channel/i, saveLabels: ['publish', 'save'] },
];

export default defineAdapter({
  id: 'youtube',
  label: 'YouTube',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  fields: FIELDS,
  submit: SUBMIT,
  submitKeys: MOD_ENTER,
  context,
});

// Test URLs: https://www.youtube.com/watch?v=dQw4w9WgXcQ
