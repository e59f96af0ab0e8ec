// Performance marks for the E2E run (docs/performance.md). The user-timing
// buffer is per page and holds durations only, never text.
const KEYSTROKE = 'postguard:keystroke-work';
const MAX_ENTRIES = 5000;
let keystrokeStart = 0;
let accumulated = 0;
let touched = false; // performance.now() ticks in 0.1 ms here: 0 is a real value
let count = 0;

function measure(name, options) {
  if (++count > MAX_ENTRIES) {
    performance.clearMeasures(KEYSTROKE);
    count = 0;
  }
  performance.measure(name, options);
}

// Content-script work is summed per keystroke (keydown to the next keydown)
// across all our handlers and observers, then recorded as one entry.
export function addWork(startedAt) {
  accumulated += performance.now() - startedAt;
  touched = true;
}

export function flushKeystroke(nextStart = 0) {
  if (touched) measure(KEYSTROKE, { start: keystrokeStart, duration: accumulated });
  accumulated = 0;
  touched = false;
  keystrokeStart = nextStart;
}

export function markBanner(inputAt) {
  measure('postguard:keystroke-to-banner', { start: inputAt, end: performance.now() });
}

export function markCheck(startedAt) {
  measure('postguard:check-work', { start: startedAt, end: performance.now() });
}
