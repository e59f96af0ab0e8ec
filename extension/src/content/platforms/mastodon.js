// Mastodon, any instance: recognised by the web app's page markers, or listed by
// the admin (enterprise instances). A React <textarea> inside a real <form>.
import { MOD_ENTER, defineAdapter } from './define-adapter.js';

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

export default defineAdapter({
  id: 'mastodon',
  label: 'Mastodon',
  hosts: KNOWN_HOSTS,
  origins: ORIGINS,
  matchesPage: (url, page) =>
    (page.mastodonInstances ?? []).includes(url.hostname) || hasMastodonMarkers(page.document),
  composer: COMPOSER,
  submit: SUBMIT,
  submitKeys: MOD_ENTER,
});

// Test URLs: https://mastodon.social/home, https://<instance>/home
