// Effective settings = defaults <- user options (storage.local) <- admin policy
// (storage.managed). A key set by the admin is "locked": the options page shows it
// read-only and user values for it are ignored. Pure module: no chrome.*.
import { cleanGroups } from './scan-context.js';
import { rawPublicKey } from './bundle-verify.js';

export const DEFAULT_SETTINGS = Object.freeze({
  serviceUrl: 'http://127.0.0.1:17653',
  token: '',
  failPolicy: 'open',
  enabledSites: Object.freeze([]),
  mastodonInstances: Object.freeze([]),
  debounceMs: 300,
  serviceTimeoutMs: 1000,
  submitWaitMs: 1000,
  bundleKeys: Object.freeze([]), // none: trust the paired service's bundle
  groups: Object.freeze([]), // the device's groups (quiet periods for some groups only)
});

// Only the admin may pin signing keys: a user (or malware in their profile) who
// could pin a key of their own could also feed rules signed with it.
// Device groups decide which quiet periods apply: the admin's to set, too.
const MANAGED_ONLY = new Set(['bundleKeys', 'groups']);
const MAX_BUNDLE_KEYS = 8;

function keyList(value) {
  if (!Array.isArray(value) || value.length > MAX_BUNDLE_KEYS) return null;
  return value.every((spec) => rawPublicKey(spec) !== null) ? [...value] : null;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

// Post text may only ever travel to this machine, so anything but a loopback
// http URL is refused rather than "fixed". `localhost` becomes 127.0.0.1: the
// service listens there only, and a name could resolve to [::1], where another
// program may hold the same port.
export function normalizeServiceUrl(value) {
  if (typeof value !== 'string' || value.trim() === '') return null;
  let url;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) return null;
  if (url.username || url.password) return null;
  url.hostname = '127.0.0.1';
  return url.origin;
}

const HOST_RE = /^(?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*$/;

export function normalizeHost(value) {
  if (typeof value !== 'string') return null;
  let host = value.trim().toLowerCase();
  host = host.replace(/^[a-z]+:\/\//, '').split('/')[0].split(':')[0];
  return HOST_RE.test(host) ? host : null;
}

function hostList(value) {
  if (!Array.isArray(value)) return null;
  const hosts = value.map(normalizeHost);
  return hosts.includes(null) ? null : [...new Set(hosts)];
}

function intIn(min, max) {
  return (value) => (Number.isInteger(value) && value >= min && value <= max ? value : null);
}

const VALIDATORS = {
  serviceUrl: normalizeServiceUrl,
  token: (v) => (typeof v === 'string' && /^[\x21-\x7e]{0,512}$/.test(v) ? v : null),
  failPolicy: (v) => (v === 'open' || v === 'closed' ? v : null),
  enabledSites: hostList,
  mastodonInstances: hostList,
  debounceMs: intIn(50, 5000),
  serviceTimeoutMs: intIn(100, 10000),
  submitWaitMs: intIn(100, 10000),
  bundleKeys: keyList,
  groups: cleanGroups,
};

// Returns {settings, locked, invalid}: `invalid` lists keys whose stored value was
// rejected (they fall back to the next layer), so the UI can say so.
export function mergeSettings({ local = {}, managed = {} } = {}) {
  const settings = { ...DEFAULT_SETTINGS };
  const locked = [];
  const invalid = [];
  for (const [layer, values] of [['local', local], ['managed', managed]]) {
    for (const [key, validate] of Object.entries(VALIDATORS)) {
      if (values?.[key] === undefined) continue;
      if (layer === 'local' && MANAGED_ONLY.has(key)) continue;
      const value = validate(values[key]);
      if (value === null) {
        invalid.push(`${layer}.${key}`);
        continue;
      }
      settings[key] = value;
      if (layer === 'managed') locked.push(key);
    }
  }
  return { settings, locked, invalid };
}

// Validates user input from the options page; returns {values, errors}.
export function validateUserSettings(input) {
  const values = {};
  const errors = {};
  for (const [key, raw] of Object.entries(input)) {
    const validate = VALIDATORS[key];
    if (!validate || MANAGED_ONLY.has(key)) continue;
    const value = validate(raw);
    if (value === null) errors[key] = 'invalid';
    else values[key] = value;
  }
  return { values, errors };
}

export function hostMatches(host, patterns) {
  const h = String(host).toLowerCase();
  return patterns.some((p) =>
    p.startsWith('*.') ? h === p.slice(2) || h.endsWith(p.slice(1)) : h === p,
  );
}
