// Each site adapter against trimmed copies of its site's compose-box markup
// (the same structures the E2E platform fixtures render with real editors).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installDom } from './helpers/dom.js';

installDom();
const { GENERIC_ADAPTER, SITE_ADAPTERS, adaptersFor } = await import('../../extension/src/content/platforms/index.js');

const byId = Object.fromEntries(SITE_ADAPTERS.map((a) => [a.id, a]));

const CASES = {
  x: {
    url: 'https://x.com/home',
    html: `<div data-testid="primaryColumn"><div class="x-compose"><label>
      <div class="DraftEditor-root"><div class="public-DraftEditor-content" contenteditable="true"
        role="textbox" data-testid="tweetTextarea_0"><div data-contents="true"><div>hi</div></div></div></div></label>
      <div data-testid="toolBar"><button type="button" data-testid="tweetButtonInline"><span>Post</span></button></div></div></div>`,
    keys: 'ctrlOrMeta',
  },
  linkedin: {
    url: 'https://www.linkedin.com/feed/',
    html: `<div class="share-creation-state"><div class="ql-container"><div class="ql-editor" contenteditable="true"
      role="textbox"><p>hi</p></div></div><div class="share-box_actions">
      <button class="share-actions__primary-action">Post</button></div></div>`,
    keys: 'ctrlOrMeta',
  },
  facebook: {
    url: 'https://www.facebook.com/',
    html: `<div role="dialog" aria-label="Create post"><div contenteditable="true" role="textbox"
      aria-label="What's on your mind, Alex?" data-lexical-editor="true"><p>hi</p></div>
      <div aria-label="Post" role="button" tabindex="0"><span>Post</span></div></div>`,
    keys: 'ctrlOrMeta',
  },
  instagram: {
    url: 'https://www.instagram.com/p/C0ffee123/',
    html: `<form method="POST"><textarea aria-label="Add a comment…" placeholder="Add a comment…"></textarea>
      <div role="button" tabindex="0">Post</div></form>`,
    keys: 'none',
  },
  reddit: {
    url: 'https://www.reddit.com/r/test/comments/abc123/a_post/',
    html: `<comment-composer-host><faceplate-form><form method="post"><shreddit-composer name="comment">
      <div slot="rte" contenteditable="true" role="textbox" data-lexical-editor="true"><p>hi</p></div>
      <button slot="submit-button" type="submit">Comment</button></shreddit-composer></form></faceplate-form></comment-composer-host>`,
    keys: 'ctrlOrMeta',
  },
  mastodon: {
    url: 'https://mastodon.social/home',
    html: `<form class="compose-form"><div class="autosuggest-textarea"><textarea class="autosuggest-textarea__textarea"
      aria-autocomplete="list"></textarea></div><div class="compose-form__submit"><button type="submit" class="button">Post</button></div></form>`,
    keys: 'ctrlOrMeta',
  },
  threads: {
    url: 'https://www.threads.com/',
    html: `<div role="dialog"><div contenteditable="true" role="textbox" aria-placeholder="What's new?"><p>hi</p></div>
      <div class="th-actions"><div role="button" tabindex="0"><div>Post</div></div></div></div>`,
    keys: 'ctrlOrMeta',
  },
  bluesky: {
    url: 'https://bsky.app/',
    html: `<div role="dialog"><div class="bs-top"><button data-testid="composerDiscardButton">Cancel</button>
      <button data-testid="composerPublishBtn" aria-label="Publish post">Post</button></div>
      <div data-testid="composerTextInput"><div class="tiptap ProseMirror" contenteditable="true" role="textbox"><p>hi</p></div></div></div>`,
    keys: 'ctrlOrMeta',
  },
  youtube: {
    url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
    html: `<ytd-commentbox id="commentbox"><div id="creation-box"><yt-formatted-string id="contenteditable-textarea">
      <div id="contenteditable-root" contenteditable="true" aria-label="Add a comment...">hi</div></yt-formatted-string></div>
      <div id="buttons"><ytd-button-renderer id="cancel-button"><button aria-label="Cancel">Cancel</button></ytd-button-renderer>
      <ytd-button-renderer id="submit-button"><yt-button-shape><button aria-label="Comment">Comment</button></yt-button-shape></ytd-button-renderer></div></ytd-commentbox>`,
    keys: 'ctrlOrMeta',
  },
  tiktok: {
    url: 'https://www.tiktok.com/@someone/video/7300000000000000000',
    html: `<div class="DivCommentInputContainer"><div data-e2e="comment-input"><div data-e2e="comment-text">
      <div class="DraftEditor-root"><div class="public-DraftEditor-content" contenteditable="true" role="combobox"><div data-contents="true">hi</div></div></div></div></div>
      <div data-e2e="comment-post" role="button" tabindex="0" aria-label="Post">Post</div></div>`,
    keys: 'none',
  },
};

function mount(html) {
  document.body.innerHTML = `<main>${html}<button>Unrelated</button></main>`;
  return document.body;
}

test('every site adapter has a markup case here', () => {
  assert.deepEqual(Object.keys(CASES).sort(), SITE_ADAPTERS.map((a) => a.id).sort());
});

for (const [id, c] of Object.entries(CASES)) {
  test(`${id}: URL, compose box, submit control and keys`, () => {
    const adapter = byId[id];
    const url = new URL(c.url);
    assert.ok(adapter.matches(url, {}), 'matches its URL');
    assert.ok(!adapter.matches(new URL('https://example.com/'), {}), 'not other sites');
    assert.deepEqual(adaptersFor(url, {}).map((a) => a.id), [id, 'generic']);

    const root = mount(c.html);
    const composers = adapter.findComposers(root);
    assert.equal(composers.length, 1);
    const [editor] = composers;
    assert.ok(editor.tagName === 'TEXTAREA' || editor.getAttribute('contenteditable') === 'true');
    assert.ok(adapter.accepts(editor));

    const control = adapter.findSubmitControl(editor);
    assert.ok(control, 'finds its submit control');
    assert.ok(adapter.isSubmitControl(control));
    assert.match(control.textContent + (control.getAttribute('aria-label') ?? ''), /Post|Comment/);
    assert.ok(!adapter.isSubmitControl(root.querySelector('main > button:last-child')));
    assert.equal(adapter.submitKeysFor(editor)[0].mod, c.keys);
  });
}

test('facebook: Enter posts in a comment box, not in the post dialog', () => {
  const fb = byId.facebook;
  const root = mount(`<form><div contenteditable="true" role="textbox" aria-label="Write a comment…"></div>
    <div aria-label="Comment" role="button">➤</div></form>`);
  const [editor] = fb.findComposers(root);
  assert.equal(fb.submitKeysFor(editor)[0].mod, 'none');
});

test('instagram DMs: the Lexical message box and its Send button', () => {
  const ig = byId.instagram;
  const root = mount(`<div><div aria-label="Message" contenteditable="true" role="textbox"></div>
    <div role="button" tabindex="0">Send</div></div>`);
  const [editor] = ig.findComposers(root);
  assert.ok(editor);
  assert.equal(ig.findSubmitControl(editor).textContent, 'Send');
});

test('mastodon: any host with the web app markers, or listed by the admin', () => {
  const md = byId.mastodon;
  const url = new URL('https://social.example.org/home');
  installDom(`<!doctype html><html><head><script id="initial-state" type="application/json">
    {"meta":{"repository":"mastodon/mastodon","version":"4.3.0"}}</script></head>
    <body class="app-body"><div id="mastodon" data-props="{}"></div></body></html>`, url.href);
  assert.ok(md.matches(url, { document }));
  installDom('<!doctype html><html><body class="app-body"><div id="mastodon"></div></body></html>', url.href);
  assert.ok(!md.matches(url, { document }), 'one marker alone is not enough');
  assert.ok(md.matches(url, { document, mastodonInstances: ['social.example.org'] }));
  installDom();
});

test('generic: admin-enabled hosts only; search boxes are not posts', () => {
  assert.ok(GENERIC_ADAPTER.matches(new URL('https://intranet.example/x'), { enabledSites: ['intranet.example'] }));
  assert.ok(GENERIC_ADAPTER.matches(new URL('https://a.corp.example/'), { enabledSites: ['*.corp.example'] }));
  assert.ok(!GENERIC_ADAPTER.matches(new URL('https://other.example/'), { enabledSites: ['intranet.example'] }));
  assert.deepEqual(adaptersFor(new URL('https://other.example/'), { enabledSites: [] }), []);
  const root = mount(`<textarea id="post"></textarea><div contenteditable="true" id="rich"></div>
    <textarea role="combobox" id="search"></textarea><textarea readonly id="ro"></textarea><button>Send</button>`);
  const ids = GENERIC_ADAPTER.findComposers(root).map((el) => el.id).sort();
  assert.deepEqual(ids, ['post', 'rich']);
  assert.equal(GENERIC_ADAPTER.findSubmitControl(root.querySelector('#post')).textContent, 'Send');
});

test('composers inside open shadow roots are found', () => {
  const root = mount('<my-composer></my-composer>');
  const shadow = root.querySelector('my-composer').attachShadow({ mode: 'open' });
  shadow.innerHTML = '<div contenteditable="true" class="editor"></div><button>Post</button>';
  const [editor] = GENERIC_ADAPTER.findComposers(root);
  assert.equal(editor.className, 'editor');
  assert.equal(GENERIC_ADAPTER.findSubmitControl(editor).textContent, 'Post');
});
