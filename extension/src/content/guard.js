// Routes page events to sessions (and submits to submit-hold.js). Listeners are installed by the
// classic loader in the capture phase on window at document_start, so they run
// before the site's own handlers; `handle` is what they call.
import { addWork, flushKeystroke } from './perf.js';
import { composedContains, composedParent, isLive, isVisible, pathElements } from './dom.js';
import { composerRoot, detectEditor, editableRoot, fieldInput } from './editors/detect.js';
import { ComposerSession } from './composer-session.js';
import { createSubmitHold } from './submit-hold.js';
import { isSubmitKey } from './submit-keys.js';

// `signal`: on abort every session stops (timers, observers, banners).
export function createGuard({ adapters: initial, env, createView, signal }) {
  let adapters = initial;
  const sessions = new Map(); // editable element -> session
  const rejected = new WeakSet();
  const { attempt, release } = createSubmitHold({ env });

  // A text <input> is guarded only where a site declares it as a field (a poll
  // option, a headline): most inputs are search boxes, names and numbers.
  function declaredInput(node) {
    const input = fieldInput(node);
    if (!input || rejected.has(input)) return null;
    if (adapters.some((a) => a.fieldOf?.(input))) return input;
    rejected.add(input);
    return null;
  }

  // The session of the compose box `node` is in, keyed by the element that
  // owns the post (a block editor's root, else the editing host).
  function sessionFor(node) {
    const host = editableRoot(node) ?? declaredInput(node);
    if (!host || rejected.has(host)) return null;
    const root = composerRoot(host);
    let session = sessions.get(root);
    if (session) return session;
    const adapter = adapters.find((a) => a.accepts(host));
    if (!adapter) {
      rejected.add(host);
      return null;
    }
    session = new ComposerSession({ el: root, adapter, kind: detectEditor(root), env, createView, signal });
    sessions.set(root, session);
    // Text already there, or a reply/DM box: check at once (no typing pause).
    if (session.adapter.readText(root).trim() || session.hasTargets()) session.noteInput(0);
    return session;
  }

  // The sessions a submit control or form belongs to: every live session in the
  // nearest container that holds one (a post's title and body, or editors in
  // a frame inside it); else one for the nearest visible composer. A hidden
  // editor, such as the <textarea> TinyMCE hides behind its iframe, is never
  // the answer.
  function sessionsNear(control) {
    const attached = [...sessions.values()].filter((s) => isLive(s.el));
    for (let node = control; node; node = composedParent(node)) {
      const inside = attached.filter((s) => composedContains(node, s.el));
      if (inside.length) return inside;
      const doc = node.ownerDocument;
      if (node === doc.documentElement || node === doc.body) break;
      for (const adapter of adapters) {
        const found = adapter.findComposers(node).find(isVisible);
        const session = found && sessionFor(found);
        if (session) return [session];
      }
    }
    return [];
  }

  // Of one post's sessions, the one a submit waits on: one whose text holds the
  // post, else one not checked yet, else the one typed in last. A card in the
  // title holds Post even when the body, typed last, is clean.
  function decisive(group) {
    const verdicts = group.map((session) => [session, session.cachedVerdict()]);
    return verdicts.find(([, v]) => v?.hold)?.[0]
      ?? verdicts.find(([, v]) => v === null)?.[0]
      ?? [...group].sort((a, b) => b.inputAt - a.inputAt)[0]
      ?? null;
  }

  // The session a submit key in `session`'s editor waits on: its post's
  // decisive one when other editors share its Post control.
  function decisiveForKey(session) {
    if (sessions.size < 2) return session;
    const control = session.adapter.findSubmitControl(session.el);
    const group = control ? sessionsNear(control) : [];
    return group.includes(session) ? decisive(group) : session;
  }

  signal?.addEventListener('abort', () => sessions.clear(), { once: true });

  const handlers = {
    input(event) {
      const session = sessionFor(event.composedPath()[0]);
      session?.noteInput();
    },
    paste(event) {
      const session = sessionFor(event.composedPath()[0]);
      session?.noteInput(30, { urgent: true }); // right after the editor inserts it
    },
    focusin(event) {
      sessionFor(event.composedPath()[0]);
    },
    keydown(event) {
      flushKeystroke(performance.now());
      if (event.key !== 'Enter') return;
      const target = event.composedPath()[0];
      const session = sessionFor(target);
      if (!session || !isSubmitKey(event, session.adapter.submitKeysFor(session.el))) return;
      attempt(decisiveForKey(session), { kind: 'key', event, target }, event);
    },
    click(event) {
      if (event.button !== 0) return;
      for (const el of pathElements(event)) {
        if (!adapters.some((a) => a.isSubmitControl(el))) continue;
        const session = decisive(sessionsNear(el));
        if (session) attempt(session, { kind: 'click', control: el }, event);
        return;
      }
    },
    submit(event) {
      const form = event.composedPath()[0];
      const session = decisive(sessionsNear(form).filter((s) => composedContains(form, s.el)));
      if (session) {
        attempt(session, { kind: 'form', form, submitter: event.submitter }, event);
      }
    },
  };

  return {
    sessions,
    // Page markers (e.g. Mastodon's) are only readable once the DOM is there.
    setAdapters(next) {
      adapters = next;
    },
    release,
    sessionFor,
    handle(event) {
      const run = handlers[event.type];
      if (!run || signal?.aborted) return;
      const t0 = performance.now();
      run(event);
      addWork(t0);
    },
    sweep() {
      for (const [el, session] of sessions) {
        if (!isLive(el)) {
          session.destroy();
          sessions.delete(el);
        }
      }
    },
  };
}
