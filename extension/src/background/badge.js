// What the toolbar badge says. Silence would read as "protected", so every
// degraded state has its own text and a sentence in the tooltip.
export const LIMITED_TITLE =
  'PostGuard: limited protection. The local service is not reachable, or the program on its port could not prove it is PostGuard; posts are checked with the built-in rules only.';
export const UNPAIRED_TITLE =
  'PostGuard: limited protection. Not paired with the service: open the options to pair.';
export const NOT_PROTECTED_TITLE =
  'PostGuard: not protected here. No compose box on this page could be guarded.';

export function badgeFor({ connection, site } = {}) {
  if (site?.state === 'not-protected') {
    return { text: 'OFF', color: '#b00020', title: NOT_PROTECTED_TITLE };
  }
  if (connection === 'offline') return { text: 'LIM', color: '#b26a00', title: LIMITED_TITLE };
  if (connection === 'unpaired') return { text: 'LIM', color: '#b26a00', title: UNPAIRED_TITLE };
  if (site?.state === 'protected') {
    return { text: '', color: '#2e7d32', title: `PostGuard: protecting this page (${site.platform}).` };
  }
  return { text: '', color: '#2e7d32', title: 'PostGuard' };
}
