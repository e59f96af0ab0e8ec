// Instagram web: a React <textarea> for comments, a Lexical box in DMs. Enter sends.
import { ENTER, defineAdapter, labelledButton } from './define-adapter.js';
import { handleFromHref, labelOf, near, pathOf } from '../page-context.js';

const HOSTS = ['instagram.com'];
const ORIGINS = ['https://www.instagram.com/*'];
const COMPOSER = 'textarea[aria-label*="comment" i], textarea[placeholder*="comment" i], form textarea, [contenteditable="true"][role="textbox"], [data-lexical-editor="true"]';

// Context: Direct (a /direct/ path or a box labelled "Message"; the other
// account's profile link in the thread header), else a comment on a post (its
// author's profile link in the post header).
const DM_PATH = /^\/direct(\/|$)/;
const HEADER_LINK = 'header a[href], [role="banner"] a[href]';
const PROFILE = /^\/([A-Za-z0-9._]{1,30})\/?$/;

const headerHandle = (editor, kind) => near(editor, HEADER_LINK, 14).map((a) => handleFromHref(a, PROFILE))
  .filter(Boolean).slice(0, 1).map((handle) => ({ handle, kind }));

function context(editor) {
  if (DM_PATH.test(pathOf(editor)) || /^message\b/i.test(labelOf(editor))) {
    return { audience: 'dm', targets: headerHandle(editor, 'dm') };
  }
  return { audience: 'reply', targets: headerHandle(editor, 'reply_to') };
}

// Secondary fields: the new post's alt text ("Write alt text..."), and the
// edit-profile page's bio (textarea#pepBio / name="biography", "Submit").
const FIELDS = [
  { name: 'alt_text', label: 'alt text', labels: /\bwrite alt text\b|\balt text\b/i },
  { name: 'bio', label: 'bio', selector: 'textarea#pepBio, textarea[name="biography"]', labels: /^bio$/i, saveLabels: ['submit', 'save'] },
];

export default defineAdapter({
  id: 'instagram',
  label: 'Instagram',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  fields: FIELDS,
  submit: 'form button[type="submit"]',
  isSubmitControl: labelledButton(['post', 'send', 'reply']),
  submitKeys: ENTER,
  context,
});

// Test URLs: https://www.instagram.com/p/<id>/, https://www.instagram.com/direct/t/<id>/
