// Mastodon, any instance: recognised by the web app's page markers, or listed by
// the admin (enterprise instances). A React <textarea> inside a real <form>.
import { MOD_ENTER, defineAdapter } from './define-adapter.js';
import { labelOf, near, targetsFrom } from '../page-context.js';

const KNOWN_HOSTS = ['mastodon.social', 'mastodon.online', 'mstdn.social'];
const ORIGINS = ['https://mastodon.social/*'];
const APP_HOLDER = 'body.app-body #mastodon[data-props]';
const INITIAL_STATE = 'script#initial-state';
const COMPOSER = '.compose-form textarea, textarea.autosuggest-textarea__textarea, textarea[name="status"]';
const SUBMIT = '.compose-form button[type="submit"], .compose-form__publish button, form.compose-form [type="submit"]';

// The web app's holder element plus its initial state naming the Mastodon repo.
function hasMastodonMarkers(doc) {
  if (!doc?.querySelector(APP_HOLDER)) return false;
  return /"repository":\s*"mastodon\/mastodon"/.test(doc.querySelector(INITIAL_STATE)?.textContent ?? '');
}

// Context: the compose form's visibility button (its label: "Public", "Quiet
// public"/"Unlisted", "Followers", "Specific people"/"Mentioned people only";
// older versions a privacy dropdown or a <select>) and the reply indicator
// above the box (the account replied to, "@user" or "@user@instance").
const VISIBILITY = '.compose-form .dropdown-button, .compose-form .privacy-dropdown__value button, .compose-form select[name="visibility"], .privacy-dropdown button[aria-expanded]';
const REPLY_INDICATOR = '.reply-indicator .display-name__account, .reply-indicator__display-name, .reply-indicator';

function audienceOfLabel(label) {
  if (/direct|specific people|mentioned/i.test(label)) return 'dm';
  if (/followers|private/i.test(label)) return 'followers';
  if (/public|unlisted|quiet/i.test(label)) return 'public';
  return 'unknown';
}

function context(editor) {
  const picker = near(editor, VISIBILITY)[0];
  const choice = picker?.matches('select') ? picker.value : labelOf(picker?.querySelector('.dropdown-button__label') ?? picker);
  let audience = picker ? audienceOfLabel(choice || picker.getAttribute('title') || '') : 'unknown';
  const replyTo = near(editor, REPLY_INDICATOR).slice(0, 1);
  const targets = targetsFrom(replyTo, 'reply_to');
  if (replyTo.length && (audience === 'public' || audience === 'unknown')) audience = 'reply';
  return { audience, targets };
}

// Secondary fields: the media dialog's image description (up to 1,500
// characters; "Apply" in 4.0-4.2, "Done" in the 4.3+ alt-text dialog), poll
// options ("Option 1"...), and the profile page's bio ("Bio", account[note]) and
// extra fields (account[fields_attributes][n][name|value]), saved by "Save changes".
const FIELDS = [
  {
    name: 'alt_text',
    label: 'image description',
    selector: '#upload-modal__description, .focal-point-modal textarea, .alt-text-modal textarea, .media-modal textarea[id*="description"]',
    labels: /visual(ly)? impair|image description|alt text/i,
    saveLabels: ['apply', 'done', 'save'],
    scope: '.modal-root__modal',
  },
  {
    name: 'poll_option',
    label: 'poll option',
    selector: '.compose-form__poll-wrapper input[type="text"], .compose-form__poll input[type="text"], .compose-form__poll-option input',
  },
  {
    name: 'bio',
    label: 'profile bio',
    selector: 'textarea#account_note, textarea[name="account[note]"]',
    save: 'form#edit_profile button[type="submit"], form.edit_account button[type="submit"]',
    saveLabels: ['save changes', 'save'],
  },
  {
    name: 'profile_field',
    label: 'profile field',
    selector: 'input[name^="account[fields_attributes]"]',
    saveLabels: ['save changes', 'save'],
  },
];

export default defineAdapter({
  id: 'mastodon',
  label: 'Mastodon',
  hosts: KNOWN_HOSTS,
  origins: ORIGINS,
  matchesPage: (url, page) =>
    (page.mastodonInstances ?? []).includes(url.hostname) || hasMastodonMarkers(page.document),
  composer: COMPOSER,
  fields: FIELDS,
  submit: SUBMIT,
  submitKeys: MOD_ENTER,
  context,
});

// Test URLs: https://mastodon.social/home, https://<instance>/home
