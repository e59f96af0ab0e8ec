// The extension's side of the context guards: each site adapter's contextOf on
// trimmed copies of the site's markup (the same structures the E2E fixture
// pages render), the shared context checks, and the banner's new parts (a
// finding about the recipient, "Add disclosure").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installDom } from './helpers/dom.js';

installDom();
const { SITE_ADAPTERS, GENERIC_ADAPTER } = await import('../../extension/src/content/platforms/index.js');
const { contextKey, handlesIn, normalizeContext } = await import('../../extension/src/shared/scan-context.js');
const { createBanner } = await import('../../extension/src/content/ui/banner.js');
const { createActionHandler } = await import('../../extension/src/content/session-actions.js');
const { hasSpan, maskable, suggestionOf } = await import('../../extension/src/content/session-view.js');
const { withGuards } = await import('../../extension/src/engine-host/offline-result.js');


// Renders `html` at `url` and returns the context the site's adapter (the one
// that matches the URL) reads for the element matching `editor`.
function contextAt(url, html, editor) {
  installDom(`<!doctype html><html><body>${html}</body></html>`, url);
  const el = document.querySelector(editor);
  assert.ok(el, `no ${editor} in the snippet for ${url}`);
  const [adapter] = SITE_ADAPTERS.filter((a) => a.matches(new URL(url), {}));
  return adapter.contextOf(el);
}

const X = SITE_ADAPTERS.find((a) => a.matches(new URL('https://x.com/'), {}));

const reply = (...handles) => ({ audience: 'reply', targets: handles.map((handle) => ({ handle, kind: 'reply_to' })) });
const dm = (...handles) => ({ audience: 'dm', targets: handles.map((handle) => ({ handle, kind: 'dm' })) });
const only = (audience) => ({ audience, targets: [] });

const X_BOX = `<label data-testid="tweetTextarea_0_label"><div class="DraftEditor-root"><div
  class="public-DraftEditor-content" contenteditable="true" role="textbox" data-testid="tweetTextarea_0">
  <div data-contents="true"><div>@Someone else typed here</div></div></div></div></label>
  <div data-testid="toolBar"><button data-testid="tweetButtonInline">Reply</button></div>`;

const CASES = [
  ['x: a post on the home timeline is public (a timeline reply line is not ours)', 'https://x.com/home',
    `<div data-testid="primaryColumn"><div class="x-compose">${X_BOX}</div>
     <section><article data-testid="tweet"><div>Replying to <a href="/Other">@Other</a></div></article></section></div>`,
    '[data-testid="tweetTextarea_0"]', only('public')],
  ['x: the "Replying to @name" line above the box', 'https://x.com/AcmeSupp0rt/status/1',
    `<div class="x-compose"><div dir="ltr"><span>Replying to </span><a href="/AcmeSupp0rt"><span>@AcmeSupp0rt</span></a></div>${X_BOX}</div>`,
    '[data-testid="tweetTextarea_0"]', reply('@AcmeSupp0rt')],
  ['x: a DM names the account in the conversation header', 'https://x.com/messages/1-2',
    `<section><div data-testid="DMConversationHeader"><h2><span>Jordan</span> <span>@jordan_lee</span></h2></div>
     <aside><div class="DraftEditor-root"><div class="public-DraftEditor-content" contenteditable="true"
       role="textbox" data-testid="dmComposerTextInput"></div></div></aside></section>`,
    '[data-testid="dmComposerTextInput"]', dm('@jordan_lee')],
  ['threads: the reply placeholder names the account', 'https://www.threads.com/@acme/post/1',
    `<div role="dialog"><div contenteditable="true" role="textbox" aria-placeholder="Reply to acmesupp0rt..."><p></p></div></div>`,
    '[role="textbox"]', reply('@acmesupp0rt')],
  ['threads: a new thread is public', 'https://www.threads.com/',
    `<div role="dialog"><div contenteditable="true" role="textbox" aria-placeholder="What's new?"><p></p></div></div>`,
    '[role="textbox"]', only('public')],
  ['bluesky: the post replied to, with its author\'s profile link', 'https://bsky.app/',
    `<div role="dialog"><div aria-label="Expand or collapse the full post you are replying to">
       <a href="/profile/acmesupp0rt.bsky.social">Acme Support</a><div>my order?</div></div>
     <div class="ProseMirror" contenteditable="true" role="textbox" aria-label="Rich-Text Editor"></div></div>`,
    '.ProseMirror', reply('@acmesupp0rt.bsky.social')],
  ['bluesky: an author without a display name shows the bare domain handle', 'https://bsky.app/',
    `<div role="dialog"><div role="text" aria-label="Expand or collapse the full post you are replying to">
       <div>acmesupp0rt.bsky.social</div><div>my order never arrived. help.me</div></div>
     <div class="ProseMirror" contenteditable="true" role="textbox"></div></div>`,
    '.ProseMirror', reply('@acmesupp0rt.bsky.social')],
  ['threads: Lexical\'s placeholder element by the box', 'https://www.threads.com/@acme/post/1',
    `<div role="dialog"><div class="ph">Reply to acmesupp0rt...</div><div contenteditable="true" role="textbox"><p></p></div></div>`,
    '[role="textbox"]', reply('@acmesupp0rt')],
  ['mastodon: the visibility button says "Specific people"', 'https://mastodon.social/home',
    `<form class="compose-form"><div class="autosuggest-textarea"><textarea class="autosuggest-textarea__textarea"></textarea></div>
     <div class="compose-form__dropdowns"><button type="button" title="Change post privacy" class="dropdown-button">
       <span class="dropdown-button__label">Specific people</span></button></div></form>`,
    'textarea', only('dm')],
  ['mastodon: a public reply names the account replied to', 'https://mastodon.social/home',
    `<form class="compose-form"><div class="reply-indicator"><span class="display-name__account">@AcmeSupp0rt@social.example.org</span></div>
     <div class="autosuggest-textarea"><textarea class="autosuggest-textarea__textarea"></textarea></div>
     <button type="button" class="dropdown-button"><span class="dropdown-button__label">Public</span></button></form>`,
    'textarea', reply('@AcmeSupp0rt@social.example.org')],
  ['mastodon: followers only', 'https://mastodon.social/home',
    `<form class="compose-form"><textarea class="autosuggest-textarea__textarea"></textarea>
     <button type="button" class="dropdown-button"><span class="dropdown-button__label">Followers</span></button></form>`,
    'textarea', only('followers')],
  ['linkedin: the share box says "Post to Anyone"', 'https://www.linkedin.com/feed/',
    `<div class="share-box" role="dialog"><button class="share-unified-settings-entry-button">Post to Anyone</button>
     <div class="share-creation-state__text-editor"><div class="ql-editor" contenteditable="true" role="textbox"></div></div></div>`,
    '.ql-editor', only('public')],
  ['linkedin: connections only', 'https://www.linkedin.com/feed/',
    `<div class="share-box" role="dialog"><button class="share-unified-settings-entry-button">Connections only</button>
     <div class="ql-editor" contenteditable="true" role="textbox"></div></div>`,
    '.ql-editor', only('followers')],
  ['linkedin: a message names the recipient by profile link', 'https://www.linkedin.com/messaging/thread/1/',
    `<div class="msg-overlay-conversation-bubble"><div class="msg-overlay-bubble-header"><a href="/in/acme-supp0rt/">Acme Support</a></div>
     <form class="msg-form"><div class="msg-form__contenteditable" contenteditable="true" role="textbox"></div>
     <button class="msg-form__send-button">Send</button></form></div>`,
    '.msg-form__contenteditable', dm('@acme-supp0rt')],
  ['facebook: the Create post dialog\'s audience button', 'https://www.facebook.com/',
    `<div role="dialog" aria-label="Create post"><div role="button" aria-label="Edit privacy. Sharing with Friends."><span>Friends</span></div>
     <div contenteditable="true" role="textbox" data-lexical-editor="true" aria-label="What's on your mind, Alex?"></div></div>`,
    '[data-lexical-editor]', only('followers')],
  ['facebook: a reply to a comment names its author', 'https://www.facebook.com/permalink.php?story_fbid=1&id=1',
    `<div role="article" aria-label="Comment by Acme Supp0rt"><a href="/acmesupp0rt">Acme Supp0rt</a><div>Hello</div>
     <form role="presentation"><div contenteditable="true" role="textbox" data-lexical-editor="true" aria-label="Reply to Acme Supp0rt"></div></form></div>`,
    '[data-lexical-editor]', reply('@acmesupp0rt')],
  ['facebook: Messenger', 'https://www.facebook.com/messages/t/100',
    `<div role="main"><div role="banner"><a href="/jordan.lee">Jordan Lee</a></div>
     <div contenteditable="true" role="textbox" aria-label="Message"></div></div>`,
    '[role="textbox"]', dm('@jordan.lee')],
  ['instagram: a comment answers the post\'s author', 'https://www.instagram.com/p/C0ffee123/',
    `<article><header><a href="/acme.supp0rt/">acme.supp0rt</a></header><section><form>
     <textarea aria-label="Add a comment…"></textarea></form></section></article>`,
    'textarea', reply('@acme.supp0rt')],
  ['instagram: Direct names the other account', 'https://www.instagram.com/direct/t/1/',
    `<section aria-label="Conversation"><header><a href="/jordan.lee/">Jordan Lee</a></header>
     <div class="ig-dm"><div contenteditable="true" role="textbox" aria-label="Message"></div></div></section>`,
    '[role="textbox"]', dm('@jordan.lee')],
  ['youtube: a reply inside a comment names its author', 'https://www.youtube.com/watch?v=1',
    `<ytd-comment-thread-renderer><ytd-comment-view-model><a id="author-text" href="/@AcmeSupp0rt"><span>@AcmeSupp0rt</span></a>
     <ytd-commentbox><div id="contenteditable-root" contenteditable="true"></div></ytd-commentbox></ytd-comment-view-model></ytd-comment-thread-renderer>`,
    '#contenteditable-root', reply('@AcmeSupp0rt')],
  ['youtube: a comment on the video', 'https://www.youtube.com/watch?v=1',
    `<ytd-comment-simplebox-renderer><ytd-commentbox><div id="contenteditable-root" contenteditable="true"></div></ytd-commentbox></ytd-comment-simplebox-renderer>`,
    '#contenteditable-root', only('reply')],
  ['tiktok: "Reply to @name" by the box', 'https://www.tiktok.com/@acme/video/1',
    `<div class="comment-bar"><div class="reply-hint"><span>Reply to @acmesupp0rt</span></div><div data-e2e="comment-input">
     <div class="DraftEditor-root"><div class="public-DraftEditor-content" contenteditable="true" role="textbox"></div></div></div></div>`,
    '[role="textbox"]', reply('@acmesupp0rt')],
  ['reddit: a reply inside a comment names its author', 'https://www.reddit.com/r/test/comments/1/a/',
    `<shreddit-comment author="AcmeSupp0rt"><shreddit-composer><div slot="rte" contenteditable="true" role="textbox"
      data-lexical-editor="true"></div></shreddit-composer></shreddit-comment>`,
    '[data-lexical-editor]', reply('@AcmeSupp0rt')],
];

for (const [name, url, html, editor, expected] of CASES) {
  test(`contextOf: ${name}`, () => {
    assert.deepEqual(contextAt(url, html, editor), expected);
  });
}

test('every site adapter reads a context; the generic one says unknown', () => {
  document.body.innerHTML = '<textarea></textarea>';
  for (const adapter of SITE_ADAPTERS) assert.ok(typeof adapter.contextOf === 'function', adapter.id);
  assert.deepEqual(GENERIC_ADAPTER.contextOf(document.querySelector('textarea')), only('unknown'));
});

test('contextOf never throws: a broken page gives "unknown"', () => {
  const weird = new Proxy({}, { get: () => { throw new Error('boom'); } }); // a node that fails on any read
  for (const adapter of SITE_ADAPTERS) assert.deepEqual(adapter.contextOf(weird), only('unknown'), adapter.id);
  assert.deepEqual(X.contextOf(null), only('unknown'));
});

test('the draft\'s own @mentions are never taken for the page\'s reply line', () => {
  const ctx = contextAt('https://x.com/home', `<div class="x-compose">${X_BOX}</div>`, '[data-testid="tweetTextarea_0"]');
  assert.deepEqual(ctx, only('public'));
});

test('handles: any script, dots inside, @user@instance; not e-mail addresses', () => {
  assert.deepEqual(handlesIn('Replying to @AcmeSupp0rt and @аcme_help'), ['@AcmeSupp0rt', '@аcme_help']);
  assert.deepEqual(handlesIn('@a.bsky.social. @u@social.example.org'), ['@a.bsky.social', '@u@social.example.org']);
  assert.deepEqual(handlesIn('mail me at jo@example.com'), []);
});

test('normalizeContext: known audience and kinds, clean handles, at most 20, no repeats', () => {
  const many = Array.from({ length: 30 }, (_, i) => ({ handle: `@h${i}`, kind: 'mention' }));
  assert.equal(normalizeContext({ audience: 'public', targets: many }).targets.length, 20);
  assert.deepEqual(normalizeContext({ audience: 'everyone', targets: [{ handle: 'x', kind: 'weird' }, { handle: '@x', kind: 'mention' }] }),
    { audience: 'unknown', targets: [{ handle: '@x', kind: 'mention' }] });
  assert.deepEqual(normalizeContext({ targets: [{ handle: `@${'a'.repeat(100)}` }] }).targets, []);
  assert.equal(contextKey(only('unknown')), '');
  assert.notEqual(contextKey(reply('@a')), contextKey(reply('@b')));
});

// --- banner ---------------------------------------------------------------

const IMPOSTOR = { rule_id: 'impostor-handle', type: 'IMPOSTOR_HANDLE', category: 'context', start: 0, end: 0,
  target: 'reply_to', preview: '', message: 'This account looks like @AcmeSupport but is not it.', action: 'warn' };
const DISCLOSURE = { rule_id: 'affiliation-disclosure', type: 'UNDISCLOSED_AFFILIATION', category: 'context', start: 15, end: 19,
  preview: 'A••e', message: 'You mention Acme with an opinion; say that you work there.', action: 'warn',
  suggestion: { kind: 'append', text: '#AcmeEmployee' } };

function bannerWithRoot(onAction) {
  const attach = HTMLElement.prototype.attachShadow;
  let root = null;
  HTMLElement.prototype.attachShadow = function (init) {
    root = attach.call(this, init);
    return root;
  };
  try {
    return { banner: createBanner({ onAction }), root: () => root };
  } finally {
    HTMLElement.prototype.attachShadow = attach;
  }
}

const view = (findings) => ({ state: 'flagged', source: 'service', findings, notice: '', canOverride: true,
  reasonRequired: false, canMask: false, askReason: false, held: true, status: '', visible: true });

test('a finding about the recipient: its message, no preview, nothing to mask or highlight', () => {
  assert.equal(hasSpan(IMPOSTOR), false);
  assert.equal(maskable(IMPOSTOR), false);
  assert.equal(maskable(DISCLOSURE), false); // an organisation's name is not a secret to mask
  assert.equal(maskable({ ...DISCLOSURE, category: 'pii' }), true);
  const { banner, root } = bannerWithRoot(() => {});
  banner.update(view([{ ...IMPOSTOR, suggestion: null }]));
  const item = root().querySelector('li');
  assert.match(item.textContent, /looks like @AcmeSupport but is not it/);
  assert.equal(item.querySelector('.preview'), null);
  assert.equal(root().querySelector('h2').textContent, 'Before you post');
  assert.equal(root().querySelector('[data-action="add-disclosure"]'), null);
  banner.destroy();
});

test('"Add disclosure" appears once per suggested text and hands over the finding\'s index', () => {
  const seen = [];
  const { banner, root } = bannerWithRoot((action, data) => seen.push([action, data.index]));
  const suggested = { ...DISCLOSURE, suggestion: suggestionOf(DISCLOSURE) };
  banner.update(view([{ ...IMPOSTOR, suggestion: null }, suggested, suggested]));
  const buttons = root().querySelectorAll('[data-action="add-disclosure"]');
  assert.equal(buttons.length, 1);
  assert.equal(buttons[0].textContent, 'Add disclosure');
  buttons[0].click();
  assert.deepEqual(seen, [['add-disclosure', 1]]);
  banner.destroy();
});

test('suggestionOf: only "append" with a short text', () => {
  assert.deepEqual(suggestionOf(DISCLOSURE), { kind: 'append', text: '#AcmeEmployee' });
  assert.equal(suggestionOf({ suggestion: { kind: 'replace', text: 'x' } }), null);
  assert.equal(suggestionOf({ suggestion: { kind: 'append', text: 'x'.repeat(201) } }), null);
  assert.equal(suggestionOf({}), null);
});

test('Add disclosure that the editor refuses leaves the draft as it was and says so', async () => {
  document.body.innerHTML = '<textarea></textarea>';
  const el = document.querySelector('textarea');
  el.value = 'I love the new Acme phone';
  let status = '';
  let rescans = 0;
  const session = {
    el, kind: 'textarea', adapter: { platform: 'x' },
    verdict: { findings: [DISCLOSURE], rulesVersion: 'r1' },
    view: { setStatus: (t) => (status = t), render() {} },
    noteInput: () => rescans++,
  };
  document.execCommand = () => false; // an editor that takes nothing
  const onAction = createActionHandler({ send: async () => ({ recorded: true }) });
  await onAction(session, 'add-disclosure', { index: 0 });
  assert.equal(el.value, 'I love the new Acme phone');
  assert.match(status, /#AcmeEmployee/);
  assert.equal(rescans, 0);
});

test('Add disclosure appends through the editor\'s input path, then checks again', async () => {
  document.body.innerHTML = '<textarea></textarea>';
  const el = document.querySelector('textarea');
  el.value = 'I love the new Acme phone';
  document.execCommand = (command, _ui, text) => {
    assert.equal(command, 'insertText');
    const { selectionStart: s, selectionEnd: e } = el;
    el.value = el.value.slice(0, s) + text + el.value.slice(e);
    return true;
  };
  let rescans = 0;
  const sent = [];
  const session = {
    el, kind: 'textarea', adapter: { platform: 'x' },
    verdict: { findings: [DISCLOSURE], rulesVersion: 'r1' },
    view: { setStatus() {}, render() {} },
    noteInput: () => rescans++,
  };
  const onAction = createActionHandler({ send: async (m) => (sent.push(m), { recorded: true }) });
  await onAction(session, 'add-disclosure', { index: 0 });
  assert.equal(el.value, 'I love the new Acme phone #AcmeEmployee');
  assert.equal(rescans, 1);
  assert.ok(!JSON.stringify(sent).includes('love'));
  delete document.execCommand;
});

// --- offline ------------------------------------------------------------------

test('offline: guard findings are added when the guards module is there', () => {
  const result = { findings: [], not_run: [] };
  const guards = { contextFindings: (text, opts) => [{ rule_id: 'impostor-handle', seen: opts.context.targets.length }] };
  const out = withGuards(result, guards, { text: '', context: reply('@a'), platform: 'x', bundle: {}, policyData: {}, today: '2026-12-02' });
  assert.deepEqual(out.findings, [{ rule_id: 'impostor-handle', seen: 1 }]);
});

test('offline without the guards: listed as not run only when the policy uses them', () => {
  const result = { findings: [], not_run: [] };
  assert.equal(withGuards(result, null, { policyData: {} }), result);
  const out = withGuards(result, null, { policyData: { organization: { names: ['Acme'] } } });
  assert.deepEqual(out.not_run.map((r) => r.rule_id), ['context-guards']);
});

test('labelNear reads a bounded number of text nodes, nearest first', async () => {
  const { labelNear } = await import('../../extension/src/content/page-context.js');
  const filler = Array.from({ length: 3000 }, (_, i) => `<p>line ${i}</p>`).join('');
  installDom(`<!doctype html><html><body><main><div>${filler}<div>Replying to @far</div></div>
    <section><div><div id="box" contenteditable="true"></div></div><div>Replying to <a>@near</a></div></section></main></body></html>`);
  const box = document.getElementById('box');
  assert.equal(labelNear(box, /^\s*Replying to\s+@/)?.textContent, 'Replying to @near');
  document.querySelector('section > div:last-child').remove();
  assert.equal(labelNear(box, /^\s*Replying to\s+@/), null); // past the budget: not read
});
