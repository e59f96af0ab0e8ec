// Content-script entry (an ES module, imported by loader.js). Picks the
// adapters for this page and hands the loader's early listeners to the guard.
// Everything it starts (guard, sessions, frame and self-test watchers, scroll
// and resize listeners) hangs off one AbortController: `hub.stop()` ends it.
import { GENERIC_ADAPTER, adaptersFor } from './platforms/index.js';
import { createActionHandler, recordEvent } from './session-actions.js';
import { DEFAULT_SETTINGS } from '../shared/settings.js';
import { MSG } from '../shared/message-types.js';
import { createGuard } from './guard.js';
import { createScanner } from './scanner.js';
import { createSessionView } from './session-view.js';
import { createVerdictCache } from './verdict-cache.js';
import { ext } from '../shared/ext.js';
import { startSelfTest } from './self-test.js';
import { composedContains, composedParent, isVisible, rectOf } from './dom.js';
import { createAttachmentGuard } from './attachments/intercept.js';
import { createAttachmentView } from './attachments/attachment-view.js';
import { createImageCheck } from './attachments/check-image.js';
import { watchFrames } from './frames.js';

const hub = globalThis.__postguardHub;
// Firefox content scripts (Xray wrappers: `wrappedJSObject`) do not pass the
// attachment E2E yet: there the check of a pasted or dropped image fails, so
// images are left alone rather than held or lost.
const ATTACHMENTS_ON = !('wrappedJSObject' in globalThis);

async function loadConfig() {
  try {
    const reply = await ext.sendMessage({ type: MSG.GET_CONFIG });
    if (reply && !reply.error) return { ...DEFAULT_SETTINGS, ...reply };
  } catch {
    // worker unavailable: defaults still guard the page
  }
  return { ...DEFAULT_SETTINGS };
}

const domReady = () =>
  document.readyState === 'loading'
    ? new Promise((r) => document.addEventListener('DOMContentLoaded', r, { once: true }))
    : Promise.resolve();

// The compose box an attachment belongs to: the guarded editor in the nearest
// container around the element that got it, else the first visible one.
function nearestSession(guard, target) {
  const visible = [...guard.sessions.values()].filter((s) => isVisible(s.el));
  for (let node = target; node; node = composedParent(node)) {
    const inside = visible.find((s) => composedContains(node, s.el));
    if (inside) return inside;
  }
  return visible[0] ?? null;
}

function anchorRect(session, target) {
  if (session) return rectOf(session.el);
  if (target?.isConnected && isVisible(target)) return rectOf(target);
  const left = Math.max(8, innerWidth / 2 - 180);
  return { left, right: left + 360, top: 8, bottom: 8 };
}

// An attachment event: the rules and categories found, never a value.
function recordAttachment(send, platform, action, outcomes, extra) {
  const findings = outcomes.flatMap((o) => o.findings ?? []);
  const event = {
    rule_ids: [...new Set(findings.map((f) => f.rule_id))],
    categories: [...new Set(findings.map((f) => f.category))],
    action,
    platform,
    rules_version: outcomes.find((o) => o.rulesVersion)?.rulesVersion || 'unknown',
    field: 'attachment',
    ...extra,
  };
  send({ type: MSG.EVENT, event }).catch(() => {});
}

async function start() {
  const controller = new AbortController();
  const { signal } = controller;
  const config = await loadConfig();
  const url = new URL(location.href);
  let adapters = adaptersFor(url, { ...config, document });
  if (!adapters.length) {
    await domReady(); // page markers (Mastodon) need the DOM
    adapters = adaptersFor(url, { ...config, document });
    if (!adapters.length) return;
  }
  const send = (message) => ext.sendMessage(message);
  const env = {
    config,
    cache: createVerdictCache(),
    scan: createScanner({ send, locale: navigator.language }),
    send,
    release: (session) => guard.release(session),
    recordPosted: (session, verdict) => recordEvent(env, session, 'posted', {}, verdict.audit),
  };
  const onAction = createActionHandler(env);
  const guard = createGuard({
    adapters,
    env,
    createView: (session) => createSessionView(session, {
      onAction,
      otherEditors: () => [...guard.sessions.values()]
        .filter((s) => s !== session && isVisible(s.el))
        .map((s) => rectOf(s.el)),
    }),
    signal,
  });
  const sitePlatform = () => adapters.find((a) => a !== GENERIC_ADAPTER)?.platform ?? GENERIC_ADAPTER.platform;
  const attachments = createAttachmentGuard({
    checkImage: createImageCheck({ locale: navigator.language }),
    openView: (target) => {
      const near = () => nearestSession(guard, target);
      return createAttachmentView({
        platform: sitePlatform(),
        anchor: () => anchorRect(near(), target),
        avoid: () => {
          const control = near()?.adapter.findSubmitControl(near().el);
          return control?.isConnected ? [rectOf(control)] : [];
        },
      });
    },
    record: (action, outcomes, extra = {}) => recordAttachment(send, sitePlatform(), action, outcomes, extra),
    platform: sitePlatform,
    config,
  });
  // Images first (a file input, a paste or drop with files); then the text guard.
  // Firefox: not yet, images pass untouched (docs/firefox.md, "Differences").
  hub.handler = ATTACHMENTS_ON
    ? (event) => attachments.handle(event) || guard.handle(event)
    : (event) => guard.handle(event);
  hub.guard = guard;
  hub.stop = () => controller.abort();
  signal.addEventListener('abort', () => {
    hub.handler = null;
    hub.guard = null;
  }, { once: true });

  let frame = 0;
  const reposition = () => {
    frame ||= requestAnimationFrame(() => {
      frame = 0;
      for (const session of guard.sessions.values()) session.view.reposition();
    });
  };
  addEventListener('scroll', reposition, { capture: true, passive: true, signal });
  addEventListener('resize', reposition, { passive: true, signal });

  await domReady();
  const withMarkers = adaptersFor(url, { ...config, document });
  if (withMarkers.length > adapters.length) {
    adapters = withMarkers;
    guard.setAdapters(adapters);
  }
  const platform = adapters.find((a) => a !== GENERIC_ADAPTER)?.platform ?? GENERIC_ADAPTER.platform;
  let selfTest = null;
  const frames = watchFrames({
    doc: document,
    hub,
    onScroll: reposition,
    onFrame: () => selfTest?.schedule(),
    signal,
  });
  frames.sweep();
  // Focus moving into a frame blurs this window: listen there again before the
  // first keystroke, in case the frame's document was rewritten without a load.
  addEventListener('blur', () => frames.sweep(), { signal });
  selfTest = startSelfTest({
    doc: document,
    guard,
    frames,
    // A cross-origin frame on a site the extension runs in is guarded by its own
    // content script (all_frames).
    guardsItself: (f) => {
      try {
        return adaptersFor(new URL(f.src, f.baseURI), { ...config }).length > 0;
      } catch {
        return false;
      }
    },
    openOrClosed: ext.openOrClosedShadowRoot,
    report: (state, boxes) => send({ type: MSG.SITE_STATUS, state, platform, boxes }).catch(() => {}),
    signal,
  });
}

start();
