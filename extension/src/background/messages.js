// The one onMessage handler map, keyed by message type. Each entry says which
// senders may use it: our content scripts ("content") or extension pages ("page").
import { MSG } from '../shared/message-types.js';
import { buildEvent } from './event-payload.js';
import { pageHandlers } from './page-handlers.js';

const MAX_TEXT = 100_000;
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

export function createHandlers({ settings, client, rules, status, sites, extId }) {
  const queuedEvents = [];

  async function flushEvents(current) {
    while (queuedEvents.length) {
      await client.sendEvent(current, queuedEvents[0]);
      queuedEvents.shift();
    }
  }

  const handlers = {
    [MSG.SCAN]: {
      from: 'content',
      async run(msg) {
        if (typeof msg.text !== 'string') return { error: 'text must be a string' };
        const { settings: s } = await settings.load();
        const offline = async (reason) => {
          const bundle = await rules.current();
          return { source: 'offline', reason, failPolicy: s.failPolicy, bundleVersion: bundle?.bundle.version ?? null };
        };
        if (status.skipService()) return offline('skipped');
        const payload = { text: msg.text.slice(0, MAX_TEXT), platform: platformName(msg.platform) };
        if (typeof msg.locale === 'string') payload.locale = msg.locale;
        try {
          const result = await withPlatformFallback(payload, (p) => client.scan(s, p));
          await status.markConnected(result.rules_version);
          flushEvents(s).catch(() => {});
          return { ...result, source: 'service', failPolicy: s.failPolicy };
        } catch (err) {
          if (err.kind === 'rejected') return { source: 'unchecked', reason: err.code, failPolicy: s.failPolicy };
          await status.markOffline(err.kind);
          return offline(err.kind);
        }
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
          const reply = await withPlatformFallback(event, (e) => client.sendEvent(s, e));
          return { recorded: true, id: reply?.id };
        } catch {
          if (queuedEvents.length < MAX_QUEUED_EVENTS) queuedEvents.push(event);
          return { recorded: false, queued: true };
        }
      },
    },
    [MSG.GET_BUNDLE]: {
      from: 'content',
      async run() {
        const current = await rules.current();
        return current ? { bundle: current.bundle, source: current.source } : { bundle: null };
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
        await status.setSite(sender.tab?.id, { state, platform: String(msg.platform ?? '') });
        return { ok: true };
      },
    },
    ...pageHandlers({ settings, client, rules, status, sites }),
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
    async dispatch(msg, sender) {
      const entry = handlers[msg?.type];
      if (!entry) return { error: 'unknown message type' };
      if (senderKind(sender) !== entry.from) return { error: 'not allowed from this sender' };
      return entry.run(msg, sender);
    },
  };
}
