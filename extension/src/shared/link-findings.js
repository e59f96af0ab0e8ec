// Findings about a link the platform will fetch: every rule of the INTERNAL_LINK
// type (shared_rules: Jira, Confluence, SharePoint/OneDrive, Google Drive,
// Dropbox, Box links and the organisation's internal domains). The rules say
// what the link is; the banner says once, for all of them, what posting it does.
export const LINK_TYPES = Object.freeze(['INTERNAL_LINK']);

export const LINK_PREVIEW_NOTE =
  'When this goes out, the site fetches a preview of each link: if the page opens for it, ' +
  'its title and first lines are shown with the post, to everyone who sees it.';

export const isLinkFinding = (finding) => LINK_TYPES.includes(finding?.type);
