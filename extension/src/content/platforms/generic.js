// Any textarea or rich-text editor, on sites the admin enables and as the
// fallback on supported sites (their markup drifts). Search boxes and
// comboboxes are skipped: they are not posts.
import { MOD_ENTER, defineAdapter, labelledButton } from './define-adapter.js';

const COMPOSER = 'textarea, [contenteditable="true"], [contenteditable=""], [contenteditable="plaintext-only"]';
const NOT_A_POST = '[role="combobox"], [role="searchbox"], [type="search"], [readonly]';

export default defineAdapter({
  id: 'generic',
  platform: 'other',
  label: 'Generic',
  matchesPage: (url, page) => (page.enabledSites ?? []).some((h) =>
    h.startsWith('*.') ? url.hostname.endsWith(h.slice(1)) || url.hostname === h.slice(2) : url.hostname === h),
  composer: COMPOSER,
  rejects: (el) => el.matches(NOT_A_POST),
  submit: 'button[type="submit"], input[type="submit"]',
  isSubmitControl: labelledButton(['post', 'send', 'submit', 'reply', 'comment', 'publish', 'share', 'tweet']),
  submitKeys: MOD_ENTER,
});

// Test URLs: any page on an admin-enabled host, e.g. http://127.0.0.1:<port>/textarea.html
