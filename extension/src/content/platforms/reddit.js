// Reddit: the shreddit-composer web component around a Lexical editor; older
// pages use a plain textarea.
import { MOD_ENTER, defineAdapter, labelledButton } from './define-adapter.js';
import { closestComposed } from '../dom.js';
import { cleanHandle } from '../../shared/scan-context.js';
import { near } from '../page-context.js';

const HOSTS = ['reddit.com'];
const ORIGINS = ['https://www.reddit.com/*'];
const COMPOSER = 'shreddit-composer, [data-lexical-editor="true"], textarea[name="text"], textarea[name="body"]';
const SUBMIT = 'button[slot="submit-button"], shreddit-composer button[type="submit"], comment-composer-host button[type="submit"]';

// Context: a comment is a reply; the author replied to is the `author`
// attribute of the shreddit-comment the box sits in, else of the post.
const AUTHORED = 'shreddit-comment[author], shreddit-post[author]';

function context(editor) {
  const owner = closestComposed(editor, AUTHORED) ?? near(editor, 'shreddit-post[author]', 12)[0];
  const handle = cleanHandle(owner?.getAttribute('author') ?? '');
  return { audience: 'reply', targets: handle ? [{ handle, kind: 'reply_to' }] : [] };
}

// Secondary fields: the post title (a link post's title is what the link
// preview shows; faceplate-textarea-input name="title"), and poll options
// ("Option 1"...), both posted with the post.
const FIELDS = [
  {
    name: 'link_title',
    label: 'post title',
    selector: 'textarea[name="title"], faceplate-textarea-input[name="title"], input[name="title"]',
  },
  { name: 'poll_option', label: 'poll option', selector: 'input[name^="pollOption" i], input[name^="option" i]', labels: /^option [1-9]/i },
];

export default defineAdapter({
  id: 'reddit',
  label: 'Reddit',
  hosts: HOSTS,
  origins: ORIGINS,
  composer: COMPOSER,
  fields: FIELDS,
  submit: SUBMIT,
  isSubmitControl: labelledButton(['comment', 'post', 'reply', 'save']),
  submitKeys: MOD_ENTER,
  context,
});

// Test URLs: https://www.reddit.com/r/test/comments/abc123/a_post/
