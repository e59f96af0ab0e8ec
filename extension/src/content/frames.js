// Same-origin frames of a guarded page: TinyMCE's iframe, srcdoc and
// about:blank editors. The page's guard listens in each one (the hub's
// listeners, plus `onScroll` to keep the banner next to the editor), so their
// editors get sessions like any other and Post around the frame is held.
// A frame's document.open() drops its window's listeners: every frame load and
// every sweep listens again (adding the same listener twice is a no-op).
// `signal` ends it all: the frame listeners added here and the sweeps.
import { deepQueryAll, frameDocument } from './dom.js';

const FRAMES = 'iframe, frame';
const SCROLL = { capture: true, passive: true };

export function watchFrames({ doc, hub, onScroll, onFrame = () => {}, signal }) {
  let queued = false;

  function enter(win) {
    hub.listen(win);
    win.addEventListener('scroll', onScroll, { ...SCROLL, signal });
    win.document.addEventListener('load', onLoad, { capture: true, signal });
  }

  // The frames below `doc`, same-origin ones entered; cross-origin ones listed.
  function sweep() {
    queued = false;
    const closed = [];
    if (signal?.aborted) return closed;
    for (const frame of deepQueryAll(doc.documentElement, FRAMES)) {
      const inner = frameDocument(frame);
      if (inner?.defaultView) enter(inner.defaultView);
      else closed.push(frame);
    }
    return closed;
  }

  function sweepAndTell() {
    sweep();
    onFrame();
  }

  // A frame's load event reaches the document around it (capture phase only:
  // load does not bubble, and never reaches the window).
  function onLoad(event) {
    if (signal?.aborted || queued || !event.target?.matches?.(FRAMES)) return;
    queued = true;
    queueMicrotask(sweepAndTell);
  }

  doc.addEventListener('load', onLoad, { capture: true, signal });
  return { sweep };
}
