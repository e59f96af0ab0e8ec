// Holding a post: decided synchronously while the submit event is dispatched,
// then (without a verdict yet) awaited for at most submitWaitMs, after which the
// post goes out through the site's own button, or stays held.
import { realmOf } from './dom.js';

const BYPASS_MS = 1500;
const TIMEOUT_NOTICE =
  'PostGuard could not check this post in time. Your organisation requires a check before posting.';

export function createSubmitHold({ env }) {
  let bypass = null; // our own re-post of a released submit

  // `verdict`: the one the post goes out with (null: none in time); its audit
  // and simulated findings, shown to nobody, are recorded with it.
  function release(session, verdict = session.verdict) {
    const trigger = session.release();
    bypass = { session, hash: session.currentHash(), until: performance.now() + BYPASS_MS };
    session.view.render();
    if (verdict?.audit?.length) env.recordPosted(session, verdict);
    if (trigger.kind === 'form' && trigger.form.isConnected) {
      const submitter = trigger.submitter?.isConnected ? trigger.submitter : undefined;
      trigger.form.requestSubmit(submitter);
      return;
    }
    const control = trigger.kind === 'click' && trigger.control.isConnected
      ? trigger.control
      : session.adapter.findSubmitControl(session.el);
    if (control) {
      control.click();
    } else if (trigger.kind === 'key') {
      const e = trigger.event;
      const { KeyboardEvent } = realmOf(trigger.target); // the editor's frame
      trigger.target.dispatchEvent(new KeyboardEvent('keydown', {
        key: e.key, code: e.code, keyCode: e.keyCode, ctrlKey: e.ctrlKey, metaKey: e.metaKey,
        shiftKey: e.shiftKey, altKey: e.altKey, bubbles: true, cancelable: true, composed: true,
      }));
    }
  }

  // After a release, every submit path of the same text passes for a moment
  // (a button click is followed by its form's submit event).
  function bypassed(session) {
    if (!bypass || bypass.session !== session || performance.now() > bypass.until) return false;
    return session.currentHash() === bypass.hash;
  }

  // Decides synchronously (the event is still being dispatched): a cached
  // verdict lets the post through or holds it; without one, hold and wait.
  function attempt(session, trigger, event) {
    if (bypassed(session)) return;
    const now = session.cachedVerdict();
    if (now && !now.hold) {
      session.release();
      if (now.audit?.length) env.recordPosted(session, now);
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    const holdId = session.hold(trigger, { checking: !now });
    if (!now) awaitVerdict(session, holdId);
  }

  async function awaitVerdict(session, holdId) {
    const verdict = await session.verdictNow(env.config.submitWaitMs);
    if (!session.isHolding(holdId)) return; // cancelled or superseded
    if (verdict && !verdict.hold) return release(session, verdict);
    if (!verdict && env.config.failPolicy !== 'closed') return release(session, null);
    if (verdict) session.view.render();
    else session.markUnchecked(TIMEOUT_NOTICE);
  }

  return { attempt, release };
}
