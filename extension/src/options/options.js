// Options page: pairing (service URL + token) and site lists. Fields set by the
// admin's policy are shown read-only.
import { MSG } from '../shared/message-types.js';
import { ext } from '../shared/ext.js';
import { patternsFor } from '../background/site-scripts.js';

const form = document.getElementById('settings');
const statusLine = document.getElementById('status');
const LISTS = ['enabledSites', 'mastodonInstances'];
let locked = [];

const say = (text) => (statusLine.textContent = text);
const lines = (value) => value.split('\n').map((s) => s.trim()).filter(Boolean);

async function load() {
  const status = await ext.sendMessage({ type: MSG.STATUS });
  locked = status.locked ?? [];
  const s = status.settings;
  form.serviceUrl.value = s.serviceUrl;
  form.token.placeholder = s.token ? 'a token is set (leave empty to keep it)' : form.token.placeholder;
  form.failPolicy.value = s.failPolicy;
  for (const key of LISTS) form[key].value = s[key].join('\n');
  form.debounceMs.value = s.debounceMs;
  for (const key of locked) {
    const field = form.elements[key];
    if (!field) continue;
    field.disabled = true;
    const note = document.createElement('span');
    note.className = 'locked';
    note.textContent = 'Set by your administrator.';
    field.after(note);
  }
  say(connectionText(status));
}

// Why a handshake failed, in the user's words (kinds: background/service-client.js).
const FAILURES = {
  unpaired: 'Not paired: the service refused the token. Paste the output of `postguard token` again.',
  unverified:
    'A program answered at this address but could not prove it is your PostGuard service (another program may hold the port). Nothing was sent to it.',
  busy: 'The service is busy; try again in a moment.',
  timeout: 'The service did not answer in time.',
};
const failureText = (reason) => FAILURES[reason] ?? 'The service is not reachable: is `postguard serve` running?';

function connectionText(status) {
  if (status.connection === 'connected') return `Connected. Rules version ${status.rulesVersion ?? '?'}.`;
  return `${failureText(status.reason)} Limited protection.`;
}

function collect() {
  const values = {};
  const editable = (key) => !locked.includes(key);
  if (editable('serviceUrl')) values.serviceUrl = form.serviceUrl.value.trim();
  if (editable('token') && form.token.value.trim()) values.token = form.token.value.trim();
  if (editable('failPolicy')) values.failPolicy = form.failPolicy.value;
  for (const key of LISTS) if (editable(key)) values[key] = lines(form[key].value);
  if (editable('debounceMs')) values.debounceMs = Number(form.debounceMs.value);
  return values;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const values = collect();
  // Asked inside the click's user gesture, not awaited: the worker registers
  // the sites whenever access is granted (permissions.onAdded).
  const hosts = [...(values.enabledSites ?? []), ...(values.mastodonInstances ?? [])];
  if (hosts.length) ext.requestOrigins(patternsFor(hosts)).catch(() => false);
  const reply = await ext.sendMessage({ type: MSG.SAVE_SETTINGS, values });
  const errors = Object.entries(reply.errors ?? {});
  form.token.value = '';
  if (errors.length) say(`Not saved: ${errors.map(([k, v]) => `${k} ${v}`).join('; ')}.`);
  else if (reply.sites?.missing?.length) say(`Saved. No access yet to: ${reply.sites.missing.join(', ')}.`);
  else say('Saved.');
});

document.getElementById('test').addEventListener('click', async () => {
  say('Testing…');
  const reply = await ext.sendMessage({ type: MSG.TEST_CONNECTION });
  say(reply.ok ? `Connected to PostGuard ${reply.version}, rules ${reply.rulesVersion}.` : `No connection. ${failureText(reply.reason)}`);
});

load();
