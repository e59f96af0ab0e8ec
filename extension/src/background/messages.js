// The one onMessage handler map, keyed by message type. Each entry says which
// senders may use it: our content scripts ("content") or extension pages ("page").
import { cutDraft, markTooLong, maxCharsOf } from './draft-limit.js';
import { MSG } from '../shared/message-types.js';
import { buildEvent } from './event-payload.js';
import { isEmptyContext, normalizeContext } from '../shared/scan-context.js';
import { pageHandlers } from './page-handlers.js';

const MAX_QUEUED_EVENTS = 100;

// Platforms the admin policy does not list are refused by the service; they are
// then reported as "other" (and remembered, so the next call goes straight there).
const unknownPlatforms = new Set();
const platformName = (p) => (typeof p === 'string' && !unknownPlatforms.has(p) ? p : 'other');

async function withPlatformFallback(payload, call) {
  try {
    return await call(payload);
  } catch (err) {
    if (err.code !== 'unknown_platform' || payload.platform === 'other') throw err;
    unknownPlatforms.add(payload.platform);
    return call({ ...payload, platform: 'other' });
  }
}

// The scan's context: what the page showed (checked again here: the content
// script runs in the page's process) plus the admin's device groups.
export function scanContext(msg, settings) {
  const page = normalizeContext(msg.context);
  const groups = settings.groups ?? [];
  if (isEmptyContext(page) && !groups.length) return null;
  return groups.length ? { ...page, groups: [...groups] } : page;
}

// A service from before attachment events refuses their `field` (400): the
// event is recorded without it rather than lost.
async function withFieldFallback(event, call) {
  try {
    return await call(event);
  } catch (err) {
    if (!event.field || err?.kind !== 'rejected' || err.status !== 400 || err.code === 'unknown_platform') throw err;
    return call(Object.fromEntries(Object.entries(event).filter(([key]) => key !== 'field')));
  }
}

const withoutContext = (payload) => Object.fromEntries(Object.entries(payload).filter(([key]) => key !== 'context'));

// A service from before the context guards refuses a `context` it does not
// know (400): the scan then goes again without it, and later ones skip it
// until the worker restarts.
function contextFallback() {
  let refused = false;
  return async function withContextFallback(payload, call) {
    if (!payload.context) return call(payload);
    if (refused) return call(withoutContext(payload));
    try {
      return await call(payload);
    } catch (err) {
      if (err?.kind !== 'rejected' || err.status !== 400) throw err;
      refused = true;
      return call(withoutContext(payload));
    }
  };
}

export function createHandlers({ settings, client, connection, rules, offline, status, sites, extId }) {
  const queuedEvents = [];
  const withContextFallback = contextFallback();

  // The service refused the event itself (a 4xx it answered): sending it again
  // cannot help, and kept first in the queue it would hold back every later one.
  const refused = (err) => err?.kind === 'rejected';

  async function flushEvents(current) {
    while (queuedEvents.length) {
      try {
        await connection.call(current, () => client.sendEvent(current, queuedEvents[0]));
      } catch (err) {
        if (!refused(err)) throw err; // down or busy: it waits for the next try
      }
      queuedEvents.shift();
    }
  }

  // The service's answer when it has proved itself; else the offline engine's,
  // with why (busy | unreachable | unverified | unpaired | timeout | rejected ...).
  async function scanDraft(s, draft, msg) {
    const payload = { text: draft.text, platform: platformName(msg.platform) };
    if (draft.fullLength !== null) payload.full_length = draft.fullLength;
    if (typeof msg.locale === 'string') payload.locale = msg.locale;
    const context = scanContext(msg, s);
    if (context) payload.context = context;
    try {
      const result = await connection.call(s, () =>
        withPlatformFallback(payload, (p) => withContextFallback(p, (q) => client.scan(s, q))),
      );
      flushEvents(s).catch(() => {});
      return { ...result, source: 'service' };
    } catch (err) {
      const reason = err?.kind ?? 'unreachable';
      const result = await offline.scan(draft.text, msg.platform, context);
      return result ? { ...result, source: 'offline', reason } : { source: 'unchecked', reason };
    }
  }

  const handlers = {
    [MSG.SCAN]: {
      from: 'content',
      async run(msg) {
        if (typeof msg.text !== 'string') return { error: 'text must be a string' };
        const { settings: s } = await settings.load();
        const maxChars = maxCharsOf((await rules.current())?.bundle);
        const draft = cutDraft(msg.text, maxChars);
        const result = await scanDraft(s, draft, msg);
        if (result.source === 'unchecked') return { ...result, failPolicy: s.failPolicy };
        return { ...markTooLong(result, draft.fullLength), max_chars: maxChars, failPolicy: s.failPolicy };
      },
    },
    [MSG.EVENT]: {
      from: 'content',
      async run(msg) {
        const { event, error } = buildEvent(msg.event);
        if (error) return { error };
        const { settings: s } = await settings.load();
        try {
          await flushEvents(s);
          const reply = await connection.call(s, () =>
            withPlatformFallback(event, (e) => withFieldFallback(e, (f) => client.sendEvent(s, f))),
          );
          return { recorded: true, id: reply?.id };
        } catch (err) {
          if (refused(err)) return { recorded: false, refused: true };
          if (queuedEvents.length < MAX_QUEUED_EVENTS) queuedEvents.push(event);
          return { recorded: false, queued: true };
        }
      },
    },
    [MSG.GET_CONFIG]: {
      from: 'content',
      async run() {
        const { settings: s } = await settings.load();
        const { enabledSites, mastodonInstances, debounceMs, submitWaitMs, failPolicy } = s;
        return { enabledSites, mastodonInstances, debounceMs, submitWaitMs, failPolicy };
      },
    },
    [MSG.SITE_STATUS]: {
      from: 'content',
      async run(msg, sender) {
        const state = ['protected', 'not-protected', 'idle'].includes(msg.state) ? msg.state : 'idle';
        const boxes = Array.isArray(msg.boxes) ? msg.boxes.slice(0, 5).map((b) => String(b).slice(0, 120)) : [];
        await status.setSite(
          sender.tab?.id,
          { state, platform: String(msg.platform ?? ''), boxes },
          { frameId: sender.frameId ?? 0, documentId: sender.documentId },
        );
        return { ok: true };
      },
    },
    ...pageHandlers({ settings, connection, rules, status, sites }),
  };

  function senderKind(sender) {
    if (sender?.id !== extId) return null;
    const url = String(sender.url ?? '');
    if (url.startsWith(`chrome-extension://${extId}/`) || url.startsWith('moz-extension://')) {
      return 'page';
    }
    return sender.tab ? 'content' : null;
  }

  return {
    handlers,
    senderKind,
    async dispatch(msg, sender) {
      const entry = handlers[msg?.type];
      if (!entry) return { error: 'unknown message type' };
      if (senderKind(sender) !== entry.from) return { error: 'not allowed from this sender' };
      return entry.run(msg, sender);
    },
  };
}
