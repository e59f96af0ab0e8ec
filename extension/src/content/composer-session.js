// One guarded editor: debounced checks, the verdict for its current text, one
// request in flight (a newer text waits for it, then goes next), and waiters
// for a submit that arrived before the verdict. It owns its hold: the submit
// that is held (`hold`, `release`), the banner the employee closed (`dismiss`),
// and a post that could not be checked (`markUnchecked`).
import { addWork, flushKeystroke, markBanner, markCheck } from './perf.js';
import { evaluate } from './verdict.js';
import { hashText } from '../shared/text-hash.js';
import { contextKey, isEmptyContext } from '../shared/scan-context.js';
import { isField } from './editors/detect.js';
import { readText } from './editors/text-model.js';

const IDLE = Object.freeze({ state: 'idle', findings: [], hold: false, audit: [], notice: '' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms, null));
const CONTEXT_TTL_MS = 500; // the page's reply line or audience, read at most this often

export class ComposerSession {
  #held = null; // the submit being held: { kind: 'key' | 'click' | 'form', ... }
  #holdId = 0; // bumped by every hold and dismiss: a waiting hold checks it
  #dismissed = ''; // hash of the text whose banner the employee closed

  constructor({ el, adapter, kind, env, createView, signal }) {
    Object.assign(this, { el, adapter, kind, env });
    // The site field this box is (alt text, a poll option, a bio), or null for
    // the post itself: events name it, the banner says it.
    const field = adapter.fieldOf?.(el) ?? null;
    this.field = field ? { name: field.name, label: field.label } : null;
    this.state = 'idle';
    this.verdict = { ...IDLE, hash: '' };
    this.seq = 0;
    this.inputAt = 0;
    this.dueAt = 0;
    this.timer = null;
    this.inFlight = false;
    this.dirty = false;
    this.waiters = [];
    this.measuredSeq = -1;
    this.urgentAt = 0;
    this.ui = { askReason: false, status: '' };
    this.contextRead = { at: -Infinity, value: null };
    this.tick = this.tick.bind(this);
    this.view = createView(this);
    if (!isField(el)) {
      this.observer = new MutationObserver(() => {
        const t0 = performance.now();
        this.noteInput();
        addWork(t0);
      });
      this.observer.observe(el, { characterData: true, childList: true, subtree: true });
    }
    signal?.addEventListener('abort', () => this.destroy(), { once: true });
  }

  get held() {
    return this.#held;
  }

  // Holds `trigger` (a submit the page must not see yet); `checking` = no
  // verdict yet, the banner says so. Returns the hold's id for `isHolding`.
  hold(trigger, { checking = false } = {}) {
    this.#held = trigger;
    this.#holdId++;
    this.#dismissed = '';
    if (checking) this.state = 'pending';
    this.view.render();
    return this.#holdId;
  }

  // Still held by the hold `holdId` returned (not released, dismissed or superseded).
  isHolding(holdId) {
    return Boolean(this.#held) && this.#holdId === holdId;
  }

  // Lets go of the hold; returns the held trigger ({ kind: 'none' } if none).
  release() {
    const trigger = this.#held ?? { kind: 'none' };
    this.#held = null;
    return trigger;
  }

  // The employee closed the banner: no hold, no banner for this text. Returns
  // whether a submit was held (it is now cancelled).
  dismiss() {
    const wasHeld = Boolean(this.#held);
    this.#held = null;
    this.#holdId++;
    this.ui.askReason = false;
    this.#dismissed = this.verdict.hash;
    this.view.render();
    return wasHeld;
  }

  // The banner for the current text was closed.
  isDismissed() {
    return this.#dismissed === this.verdict.hash;
  }

  // No verdict in time and the policy says hold: the post stays held, unchecked.
  markUnchecked(notice) {
    this.state = 'unchecked';
    this.verdict = { ...this.verdict, state: 'unchecked', findings: [], notice };
    this.view.render();
  }

  // Called on every input; must stay cheap (no text reads, no DOM writes but one
  // attribute when the state changes).
  noteInput(delay = this.env.config.debounceMs, { urgent = false } = {}) {
    const now = performance.now();
    this.seq++;
    this.inputAt = now;
    let due = now + delay;
    // A paste is checked at once; the editor's own follow-up mutations must
    // not push that check back by a whole typing pause.
    if (urgent) this.urgentAt = due;
    else if (this.urgentAt > now) due = Math.min(due, this.urgentAt);
    if (this.timer !== null && due < this.dueAt) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.dueAt = due;
    if (this.timer === null) this.timer = setTimeout(this.tick, delay);
    if (this.state !== 'pending') {
      this.state = 'pending';
      this.view.setState('pending');
    }
  }

  tick() {
    this.timer = null;
    const left = this.dueAt - performance.now();
    if (left > 1) this.timer = setTimeout(this.tick, left);
    else this.check();
  }

  // Who the draft goes to, as the page shows it (adapter.contextOf), re-read
  // at most every CONTEXT_TTL_MS: the reply line or audience can change.
  context() {
    const now = performance.now();
    if (now - this.contextRead.at > CONTEXT_TTL_MS) {
      this.contextRead = { at: now, value: this.adapter.contextOf?.(this.el) ?? null };
    }
    return this.contextRead.value;
  }

  // The cache key of a text as it would be posted here: the same words can be
  // fine in a post and not in a reply to a lookalike account.
  keyOf(text) {
    const key = contextKey(this.context());
    return hashText(key ? `${text}\u0000${key}` : text);
  }

  // Nothing typed, but the box already answers someone: check at once, so a
  // lookalike account is named before the first keystroke.
  hasTargets() {
    return Boolean(this.context()?.targets?.length);
  }

  // Whether `text` is worth a check: any text, or none in a reply or DM.
  #worthChecking(text) {
    return Boolean(text.trim()) || this.hasTargets();
  }

  evaluate(result) {
    return evaluate(result, { failPolicy: result.failPolicy ?? this.env.config.failPolicy });
  }

  async check() {
    const t0 = performance.now();
    flushKeystroke();
    const text = readText(this.el);
    const hash = this.keyOf(text);
    if (!this.#worthChecking(text)) return this.apply(null, hash);
    const cached = this.env.cache.get(hash);
    if (cached) {
      this.apply(cached, hash);
      return markCheck(t0);
    }
    if (this.inFlight) {
      this.dirty = true;
      return;
    }
    this.inFlight = true;
    const seq = this.seq;
    markCheck(t0);
    let result;
    try {
      const context = this.context();
      result = await this.env.scan(text, this.adapter.platform, isEmptyContext(context) ? null : context);
    } finally {
      this.inFlight = false;
    }
    this.env.cache.set(hash, result);
    if (this.seq === seq) this.apply(result, hash);
    this.settleWaiters(hash, result);
    if (this.dirty) {
      this.dirty = false;
      this.check();
    }
  }

  apply(result, hash) {
    const verdict = result ? this.evaluate(result) : IDLE;
    this.verdict = { ...verdict, hash };
    this.state = verdict.state;
    // Clean text releases nothing by itself: a waiting submit decides (below).
    if (this.#held && !verdict.hold && this.waiters.length === 0) this.#held = null;
    if (hash !== this.#dismissed) this.#dismissed = '';
    this.view.render();
    if (verdict.state === 'flagged' && this.measuredSeq !== this.seq) {
      this.measuredSeq = this.seq;
      markBanner(this.inputAt);
    }
  }

  settleWaiters(hash, result) {
    this.waiters = this.waiters.filter((w) => (w.hash === hash ? (w.resolve(result), false) : true));
  }

  // The verdict for the text as it is now if known, synchronously; else null.
  cachedVerdict(text = readText(this.el), hash = this.keyOf(text)) {
    if (!this.#worthChecking(text)) return { ...IDLE, hash };
    const cached = this.env.cache.get(hash);
    return cached ? { ...this.evaluate(cached), hash } : null;
  }

  // The verdict for the text as it is now, from the cache if possible; else
  // checks at once and waits at most `ms`. null = no answer in time.
  async verdictNow(ms) {
    const text = readText(this.el);
    const hash = this.keyOf(text);
    const known = this.cachedVerdict(text, hash);
    if (known) return known;
    const answer = new Promise((resolve) => this.waiters.push({ hash, resolve }));
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.inFlight) this.dirty = true;
    else this.check();
    const result = await Promise.race([answer, sleep(ms)]);
    if (!result) this.waiters = this.waiters.filter((w) => w.hash !== hash);
    return result ? { ...this.evaluate(result), hash } : null;
  }

  currentHash() {
    return this.keyOf(readText(this.el));
  }

  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.timer);
    this.observer?.disconnect();
    this.view.destroy();
  }
}
