// Any textarea or rich-text editor, on sites the admin enables and as the
// fallback on supported sites (their markup drifts). Search boxes and
// comboboxes are skipped: they are not posts.
import { EDITABLE, NOT_A_POST } from '../editors/detect.js';
import { MOD_ENTER, defineAdapter, labelledButton } from './define-adapter.js';
import { GENERIC_FIELDS } from '../site-fields.js';
import { hostMatches } from '../../shared/settings.js';

const SUBMIT = 'button[type="submit"], input[type="submit"]';

export default defineAdapter({
  id: 'generic',
  platform: 'other',
  label: 'Generic',
  // Admin-enabled hosts: exact, or "*.corp.example" for a domain and its subdomains.
  matchesPage: (url, page) => hostMatches(url.hostname, page.enabledSites ?? []),
  composer: EDITABLE,
  // Alt text, poll options, link titles and bios, known by their labels.
  fields: GENERIC_FIELDS,
  rejects: (el) => el.matches(NOT_A_POST),
  submit: SUBMIT,
  isSubmitControl: labelledButton(['post', 'send', 'submit', 'reply', 'comment', 'publish', 'share', 'tweet']),
  submitKeys: MOD_ENTER,
});

// Test URLs: any page on an admin-enabled host, e.g. http://127.0.0.1:<port>/textarea.html
