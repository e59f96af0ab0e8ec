// One guarded editor: debounced checks, the verdict for its current text, one
// request in flight (a newer text waits for it, then goes next), and waiters
// for a submit that arrived before the verdict.
import { addWork, flushKeystroke, markBanner, markCheck } from './perf.js';
import { evaluate } from './verdict.js';
import { hashText } from '../shared/text-hash.js';
import { readText } from './editors/text-model.js';

const IDLE = Object.freeze({ state: 'idle', findings: [], hold: false, audit: [], notice: '' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms, null));

export class ComposerSession {
  constructor({ el, adapter, kind, env, createView }) {
    Object.assign(this, { el, adapter, kind, env });
    this.state = 'idle';
    this.verdict = { ...IDLE, hash: '' };
    this.seq = 0;
    this.inputAt = 0;
    this.dueAt = 0;
    this.timer = null;
    this.inFlight = false;
    this.dirty = false;
    this.waiters = [];
    this.held = null;
    this.measuredSeq = -1;
    this.urgentAt = 0;
    this.holdId = 0;
    this.ui = { askReason: false, dismissed: '', status: '' };
    this.tick = this.tick.bind(this);
    this.view = createView(this);
    if (el.tagName !== 'TEXTAREA') {
      this.observer = new MutationObserver(() => {
        const t0 = performance.now();
        this.noteInput();
        addWork(t0);
      });
      this.observer.observe(el, { characterData: true, childList: true, subtree: true });
    }
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

  evaluate(result) {
    return evaluate(result, { failPolicy: result.failPolicy ?? this.env.config.failPolicy });
  }

  async check() {
    const t0 = performance.now();
    flushKeystroke();
    const text = readText(this.el);
    const hash = hashText(text);
    if (!text.trim()) return this.apply(null, hash);
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
      result = await this.env.scan(text, this.adapter.platform);
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
    if (this.held && !verdict.hold && this.waiters.length === 0) this.held = null;
    if (hash !== this.ui.dismissed) this.ui.dismissed = '';
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
  cachedVerdict(text = readText(this.el), hash = hashText(text)) {
    if (!text.trim()) return { ...IDLE, hash };
    const cached = this.env.cache.get(hash);
    return cached ? { ...this.evaluate(cached), hash } : null;
  }

  // The verdict for the text as it is now, from the cache if possible; else
  // checks at once and waits at most `ms`. null = no answer in time.
  async verdictNow(ms) {
    const text = readText(this.el);
    const hash = hashText(text);
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
    return hashText(readText(this.el));
  }

  destroy() {
    clearTimeout(this.timer);
    this.observer?.disconnect();
    this.view.destroy();
  }
}
