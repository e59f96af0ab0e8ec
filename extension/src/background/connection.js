// Is the service on the configured port ours? Drafts go only to a service that
// answered a handshake (a signed GET /api/v1/health, no text in it) with a valid
// proof, and whose last proven answer is at most FRESH_MS old. A handshake runs
// after the worker starts (the state lives in memory only), after any connection
// failure (network error, timeout, missing or wrong proof, 5xx), when the last
// proven exchange is too old, and when the service URL or token changes.
//
//   unknown --handshake 200 + proof--> verified --(older than FRESH_MS)--> handshake
//   any failure --> failed (offline answers, LIM badge; next try after RETRY_MS)
//   401/403     --> failed, "unpaired" (LIM)
//   429 + proof --> busy until Retry-After (offline answers; the badge stays)
export const FRESH_MS = 5000;
export const RETRY_MS = 3000;
const MAX_BUSY_MS = 30_000;
// Answers from the proven service that refuse one request but prove the
// connection: they count as a verified exchange.
const PROVEN_REFUSALS = new Set(['busy', 'rejected']);

export function createConnection({ client, status, now = () => Date.now() }) {
  let identity = null; // serviceUrl + token the state below belongs to
  let generation = 0;
  let handshook = false;
  let verifiedAt = -Infinity;
  let blocked = null; // {error, until}: answer offline without asking until then
  let pending = null;

  function follow(settings) {
    const next = `${settings.serviceUrl}\n${settings.token}`;
    if (next === identity) return;
    identity = next;
    generation++;
    handshook = false;
    verifiedAt = -Infinity;
    blocked = null;
    pending = null;
  }

  async function fail(err) {
    if (err.kind === 'busy') {
      const ms = Math.min(Math.max(err.retryAfterS, 1) * 1000, MAX_BUSY_MS);
      blocked = { error: err, until: now() + ms };
      verifiedAt = now();
      return;
    }
    handshook = false;
    blocked = { error: err, until: now() + RETRY_MS };
    await status.markOffline(err.kind);
  }

  function handshake(settings) {
    follow(settings);
    if (pending) return pending;
    const mine = generation;
    pending = (async () => {
      try {
        const health = await client.health(settings);
        if (mine !== generation) throw new Error('settings changed during the handshake');
        handshook = true;
        verifiedAt = now();
        blocked = null;
        await status.markConnected(health.rules_version);
        return health;
      } catch (err) {
        if (mine === generation) await fail(err);
        throw err;
      } finally {
        if (mine === generation) pending = null;
      }
    })();
    return pending;
  }

  async function ready(settings) {
    follow(settings);
    if (blocked && now() < blocked.until) throw blocked.error;
    if (handshook && now() - verifiedAt <= FRESH_MS) return;
    await handshake(settings);
  }

  return {
    /** A handshake now, whatever the state (options "Test connection", refresh). */
    handshake,
    ready,
    /** Runs `request()` (one call to the service) once the service has proved itself. */
    async call(settings, request) {
      await ready(settings);
      const mine = generation;
      try {
        const result = await request();
        if (mine === generation) verifiedAt = now();
        return result;
      } catch (err) {
        if (mine !== generation) throw err;
        if (err.kind === 'busy') await fail(err);
        else if (PROVEN_REFUSALS.has(err.kind)) verifiedAt = now();
        else await fail(err);
        throw err;
      }
    },
    state: () => ({ handshook, verifiedAt, blocked: blocked?.error.kind ?? null }),
  };
}
