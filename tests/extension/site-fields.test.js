// Secondary fields (issue 13, item 4): what each site adapter declares, and
// that a declared field is found, named, and held by its own save action,
// against trimmed copies of the sites' markup. The banner's field heading and
// its one link-preview note (item 5).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installDom } from './helpers/dom.js';

installDom();
const { GENERIC_ADAPTER, SITE_ADAPTERS } = await import('../../extension/src/content/platforms/index.js');
const { FIELD_NAME, accessibleLabel } = await import('../../extension/src/content/site-fields.js');
const { buildEvent } = await import('../../extension/src/background/event-payload.js');
const { LINK_PREVIEW_NOTE, isLinkFinding } = await import('../../extension/src/shared/link-findings.js');

const byId = Object.fromEntries(SITE_ADAPTERS.map((a) => [a.id, a]));

// What each site has; docs/support.md's fields table says the same.
const DECLARED = {
  bluesky: ['alt_text', 'bio'],
  facebook: ['alt_text', 'bio'],
  instagram: ['alt_text', 'bio'],
  linkedin: ['alt_text', 'poll_option', 'link_title', 'headline', 'about'],
  mastodon: ['alt_text', 'poll_option', 'bio', 'profile_field'],
  reddit: ['link_title', 'poll_option'],
  threads: ['poll_option', 'bio'],
  tiktok: ['bio'],
  x: ['alt_text', 'poll_option', 'bio'],
  youtube: ['channel_description'],
};

function mount(html) {
  document.body.innerHTML = html;
  return document.body;
}

test('every site adapter declares its fields, with identifier names and labels', () => {
  assert.deepEqual(Object.keys(DECLARED).sort(), SITE_ADAPTERS.map((a) => a.id).sort());
  for (const adapter of SITE_ADAPTERS) {
    assert.deepEqual(adapter.fields.map((f) => f.name), DECLARED[adapter.id], adapter.id);
    for (const field of adapter.fields) {
      assert.match(field.name, FIELD_NAME, `${adapter.id}.${field.name}`);
      assert.ok(field.label.length > 2, `${adapter.id}.${field.name} has a label`);
    }
  }
  assert.deepEqual(GENERIC_ADAPTER.fields.map((f) => f.name), ['alt_text', 'poll_option', 'link_title', 'bio']);
});

// Per site: the markup of one field and, where it has one, its own save control.
const CASES = {
  mastodon: [
    {
      field: 'alt_text',
      html: `<div class="modal-root__modal focal-point-modal"><label for="upload-modal__description">Describe for people with visual impairments</label>
        <textarea id="upload-modal__description" class="setting-text light"></textarea><button type="button" class="button" id="save">Apply</button></div>`,
    },
    {
      field: 'poll_option',
      html: `<form class="compose-form"><textarea class="autosuggest-textarea__textarea"></textarea>
        <div class="compose-form__poll-wrapper"><ul><li><input type="text" placeholder="Option 1" id="box"></li></ul></div>
        <div class="compose-form__submit"><button type="submit" class="button" id="post">Post</button></div></form>`,
      box: '#box',
    },
    {
      field: 'bio',
      html: `<form class="simple_form edit_account" id="edit_account_1"><label for="account_note">Bio</label>
        <textarea name="account[note]" id="account_note"></textarea><button name="button" type="submit" class="btn" id="save">Save changes</button></form>`,
    },
  ],
  x: [
    {
      field: 'alt_text',
      html: `<div role="dialog"><textarea data-testid="altTextInput" aria-label="Description"></textarea>
        <button type="button" data-testid="applyButton" id="save">Save</button></div>`,
    },
    {
      field: 'poll_option',
      html: `<div class="x-compose"><div class="DraftEditor-root"><div class="public-DraftEditor-content" contenteditable="true" role="textbox" data-testid="tweetTextarea_0"></div></div>
        <input type="text" name="Choice1" placeholder="Choice 1" id="box"><button type="button" data-testid="tweetButton" id="post">Post</button></div>`,
      box: '#box',
    },
    {
      field: 'bio',
      html: `<div role="dialog"><textarea name="description"></textarea><button type="button" data-testid="Profile_Save_Button" id="save">Save</button></div>`,
    },
  ],
  bluesky: [
    {
      field: 'alt_text',
      html: `<div role="dialog"><textarea data-testid="altTextImageInput" placeholder="Add alt text"></textarea>
        <button type="button" data-testid="altTextImageSaveBtn" aria-label="Save alt text" id="save">Save</button></div>`,
    },
    {
      field: 'bio',
      html: `<div role="dialog"><textarea data-testid="editProfileDescriptionInput" placeholder="Tell us a bit about yourself"></textarea>
        <button type="button" data-testid="editProfileSaveBtn" id="save">Save</button></div>`,
    },
  ],
  reddit: [
    {
      field: 'link_title',
      html: `<form><textarea name="title" aria-label="Title" id="box"></textarea><button type="submit" slot="submit-button" id="post">Post</button></form>`,
      box: '#box',
    },
  ],
  linkedin: [
    {
      field: 'headline',
      html: `<div role="dialog"><label for="single-line-text-form-component-headline">Headline*</label>
        <input type="text" id="single-line-text-form-component-headline"><button type="button" id="save">Save</button></div>`,
    },
    {
      field: 'about',
      html: `<div role="dialog"><textarea id="multiline-text-form-component-summary" aria-label="About"></textarea><button type="button" id="save">Save</button></div>`,
    },
  ],
  instagram: [
    {
      field: 'bio',
      html: `<form><textarea id="pepBio" name="biography"></textarea><button type="button" id="save">Submit</button></form>`,
    },
  ],
  tiktok: [
    {
      field: 'bio',
      html: `<div role="dialog"><textarea data-e2e="edit-profile-bio-input" placeholder="Bio"></textarea><div data-e2e="edit-profile-save" id="save">Save</div></div>`,
    },
  ],
  youtube: [
    {
      field: 'channel_description',
      html: `<form><textarea aria-label="Channel description" placeholder="Tell viewers about your channel"></textarea><button type="button" id="save">Publish</button></form>`,
    },
  ],
};

for (const [site, cases] of Object.entries(CASES)) {
  for (const { field, html, box: boxSelector = 'textarea, input' } of cases) {
    test(`${site}: the ${field} field is found, named and held by its own action`, () => {
      const adapter = byId[site];
      const root = mount(html);
      const box = root.querySelector(boxSelector);
      assert.equal(adapter.fieldOf(box)?.name, field);
      assert.ok(adapter.accepts(box));
      assert.ok(adapter.findComposers(document.body).includes(box), 'found in the page');
      const save = root.querySelector('#save');
      const post = root.querySelector('#post');
      if (save) {
        assert.ok(adapter.isSubmitControl(save), 'its save action is held like Post');
        assert.equal(adapter.findSubmitControl(box), save);
        assert.deepEqual(adapter.submitKeysFor(box), [], 'Enter in the field never saves');
      } else if (post) {
        // No save of its own: the field goes out with the post.
        assert.equal(adapter.findSubmitControl(box), post);
      }
    });
  }
}

test('the compose box itself is no field, and a bare input is not guarded', () => {
  const root = mount(`<form class="compose-form"><textarea class="autosuggest-textarea__textarea"></textarea>
    <input type="text" name="spoiler_text" placeholder="Content warning"><input type="search" aria-label="Search">
    <button type="submit">Post</button></form>`);
  const mastodon = byId.mastodon;
  const [post, warning, search] = root.querySelectorAll('textarea, input');
  assert.equal(mastodon.fieldOf(post), null);
  assert.ok(mastodon.accepts(post));
  assert.equal(mastodon.accepts(warning), false, 'an input only as a declared field');
  assert.equal(GENERIC_ADAPTER.accepts(search), false);
});

test('a Save button is held only in a dialog or form that holds the field', () => {
  const root = mount(`<div role="dialog"><textarea aria-label="Bio"></textarea><button id="near">Save</button></div>
    <div class="settings"><button id="far">Save</button></div>`);
  assert.ok(GENERIC_ADAPTER.isSubmitControl(root.querySelector('#near')));
  assert.equal(GENERIC_ADAPTER.isSubmitControl(root.querySelector('#far')), false);
});

test('the generic adapter names fields by their labels', () => {
  const root = mount(`
    <label for="a">Alt text</label><textarea id="a"></textarea>
    <textarea aria-label="Image description"></textarea>
    <input type="text" placeholder="Poll option 2">
    <input type="text" aria-label="Link title">
    <span id="l">Biography</span><textarea aria-labelledby="l"></textarea>
    <textarea aria-label="Write a comment"></textarea>`);
  const boxes = [...root.querySelectorAll('textarea, input')];
  assert.deepEqual(boxes.map((b) => GENERIC_ADAPTER.fieldOf(b)?.name ?? null),
    ['alt_text', 'alt_text', 'poll_option', 'link_title', 'bio', null]);
  assert.equal(accessibleLabel(boxes[0]), 'Alt text');
});

test('events carry a field name, never text', () => {
  const base = { rule_ids: ['phone-number'], categories: ['pii'], action: 'cancelled', platform: 'mastodon', rules_version: 'v1' };
  assert.equal(buildEvent({ ...base, field: 'bio' }).event.field, 'bio');
  assert.equal('field' in buildEvent(base).event, false, 'the post itself: no field');
  assert.ok(buildEvent({ ...base, field: 'Call me on +44 20 7946 0958' }).error);
  assert.ok(buildEvent({ ...base, field: 'x'.repeat(41) }).error);
});

test('link findings: one type for every link rule, one note in the banner', async () => {
  assert.ok(isLinkFinding({ type: 'INTERNAL_LINK' }));
  assert.equal(isLinkFinding({ type: 'CONFIDENTIAL_TERM' }), false);
  // Every link rule of the shipped bundle has the type, so the note covers it.
  const { readFile } = await import('node:fs/promises');
  const bundle = JSON.parse(await readFile(new URL('../../extension/rules/ruleset.json', import.meta.url)));
  const links = bundle.rules.filter((r) => r.type === 'INTERNAL_LINK').map((r) => r.id).sort();
  assert.deepEqual(links, ['box-link', 'confluence-page-link', 'dropbox-link', 'google-drive-link', 'jira-issue-link', 'microsoft-share-link']);

  // The banner (its shadow root opened for the test).
  const original = HTMLElement.prototype.attachShadow;
  let root = null;
  HTMLElement.prototype.attachShadow = function attach() {
    root = original.call(this, { mode: 'open' });
    return root;
  };
  try {
    const { createBanner } = await import('../../extension/src/content/ui/banner.js');
    const banner = createBanner({ onAction() {} });
    const finding = (type, rule) => ({ rule_id: rule, type, category: 'confidential', preview: 'https://•••', message: 'm' });
    banner.update({
      state: 'flagged', visible: true, field: 'alt_text', fieldLabel: 'image description',
      findings: [finding('INTERNAL_LINK', 'jira-issue-link'), finding('INTERNAL_LINK', 'microsoft-share-link')],
    });
    assert.equal(root.querySelector('h2').textContent, 'This image description contains 2 sensitive items');
    assert.deepEqual([...root.querySelectorAll('.link-preview')].map((p) => p.textContent), [LINK_PREVIEW_NOTE]);
    assert.equal(banner.host.dataset.field, 'alt_text');
    banner.update({ state: 'flagged', visible: true, findings: [finding('CREDIT_CARD', 'credit-card')] });
    assert.equal(root.querySelector('h2').textContent, 'This post contains something sensitive');
    assert.equal(root.querySelector('.link-preview'), null);
    banner.destroy();
  } finally {
    HTMLElement.prototype.attachShadow = original;
  }
});
