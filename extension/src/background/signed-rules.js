// Fetches the signed envelope the local service runs and verifies it here, against
// the keys the admin pinned by managed policy (bundleKeys): a process that holds
// the service token, or a tampered service, still cannot feed the offline engine
// rules that the rules team did not sign. Same checks as the service's
// (shared/bundle-verify.js); the payload is parsed only after they pass.
import { BundleRejected, importBundleKeys, verifySignedBundle } from '../shared/bundle-verify.js';
import { isBundleShape } from './bundle-shape.js';

/**
 * {status: 'unchanged'} | {status: 'rejected', reason} |
 * {status: 'ok', bundle, etag, version, keyId}
 */
export async function fetchVerifiedBundle({ client, settings, etag, minVersion, now }) {
  let answer;
  try {
    answer = await client.fetchSignedBundle(settings, etag);
  } catch (err) {
    // The proven service runs no signed bundle: nothing to verify, keep ours.
    if (err.kind === 'rejected' && err.status === 404) return { status: 'rejected', reason: 'no_signed_bundle' };
    // Cut off while it streamed in, before any of it was parsed.
    if (err.kind === 'too-large') return { status: 'rejected', reason: 'too_large' };
    throw err;
  }
  if (answer.status === 304) return { status: 'unchanged' };
  let verified;
  try {
    const keys = await importBundleKeys(settings.bundleKeys);
    verified = await verifySignedBundle(answer.bytes, keys, { now, minVersion });
  } catch (err) {
    if (err instanceof BundleRejected) return { status: 'rejected', reason: err.reason };
    throw err;
  }
  let bundle;
  try {
    bundle = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(verified.payload));
  } catch {
    return { status: 'rejected', reason: 'invalid_bundle' };
  }
  if (!isBundleShape(bundle)) return { status: 'rejected', reason: 'invalid_bundle' };
  const { version, keyId } = verified.header;
  return { status: 'ok', bundle, etag: answer.etag, version, keyId };
}
