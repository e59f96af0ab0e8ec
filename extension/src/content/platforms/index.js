// Every site adapter, alphabetised. tests/extension/platforms-index.test.js
// fails when a file in this folder is not listed here.
import bluesky from './bluesky.js';
import facebook from './facebook.js';
import instagram from './instagram.js';
import linkedin from './linkedin.js';
import mastodon from './mastodon.js';
import reddit from './reddit.js';
import threads from './threads.js';
import tiktok from './tiktok.js';
import x from './x.js';
import youtube from './youtube.js';
import generic from './generic.js';

export const SITE_ADAPTERS = Object.freeze([
  bluesky, facebook, instagram, linkedin, mastodon, reddit, threads, tiktok, x, youtube,
]);
export const GENERIC_ADAPTER = generic;

// Adapters for a page: the site's own (if any), then the generic fallback, which
// also serves hosts the admin enabled.
export function adaptersFor(url, page) {
  const site = SITE_ADAPTERS.filter((a) => a.matches(url, page));
  const generic = site.length || GENERIC_ADAPTER.matches(url, page) ? [GENERIC_ADAPTER] : [];
  return [...site, ...generic];
}
