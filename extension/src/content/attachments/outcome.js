// What an image check means for the employee: pass it, offer Remove location,
// or hold it with its findings. Pure; unit-tested. Every action comes from the
// policy (the service's, or the bundle's offline); an answer that is not
// complete is never "clean": it is delivered only with a visible notice, or held.
import { MAX_IMAGE_BYTES } from '../../shared/image-protocol.js';

const SHOWN = new Set(['warn', 'block', 'block_with_override']);
const KNOWN = new Set(['allow', 'audit', 'warn', 'block', 'block_with_override']);
const MB = MAX_IMAGE_BYTES / (1024 * 1024);

export const IMAGE_NOTICES = Object.freeze({
  offline: 'The PostGuard service is not reachable: only the location and barcodes were checked offline; text in images was not checked.',
  tooLarge: `This image is larger than ${MB} MB, so PostGuard could not check it.`,
  failed: 'PostGuard could not check this image: the service is not running and the offline check failed.',
  reload: 'PostGuard was updated or restarted: reload this tab to check images.',
  partial: 'PostGuard could not check all of this image',
  closed: 'Your organisation requires the full check before attaching.',
  notAnImage: 'This file is not an image PostGuard can read.',
  tooManyPixels: 'This image has too many pixels for PostGuard to check.',
});

const CHECK_WORDS = Object.freeze({ text: 'text in the image', barcodes: 'barcodes', metadata: 'metadata' });
const REFUSALS = Object.freeze({
  not_an_image: IMAGE_NOTICES.notAnImage,
  unsupported_format: IMAGE_NOTICES.notAnImage,
  corrupt_image: IMAGE_NOTICES.notAnImage,
  too_many_pixels: IMAGE_NOTICES.tooManyPixels,
  payload_too_large: IMAGE_NOTICES.tooLarge,
});

function uncheckedNotice(result) {
  if (result?.reason === 'too-large') return IMAGE_NOTICES.tooLarge;
  if (result?.reason === 'extension-reloaded') return IMAGE_NOTICES.reload;
  return REFUSALS[result?.code] ?? IMAGE_NOTICES.failed;
}

// "PostGuard could not check all of this image (text in the image: timeout)."
function partialNotice(checks = {}) {
  const gaps = Object.entries(checks)
    .filter(([, state]) => state !== 'done' && state !== 'skipped')
    .map(([name, state]) => `${CHECK_WORDS[name] ?? name}: ${state}`);
  return gaps.length ? `${IMAGE_NOTICES.partial} (${gaps.join(', ')}).` : `${IMAGE_NOTICES.partial}.`;
}

const actionOf = (f) => (KNOWN.has(f.action) ? f.action : 'block_with_override');

/**
 * One file's outcome: {kind, findings, location, canAttach, reasonRequired, notice, source}.
 * kind: clean | notice (delivered, with a notice) | location | metadata | flagged | unchecked.
 */
export function imageOutcome(result, { failPolicy = result?.failPolicy ?? 'open' } = {}) {
  const closed = failPolicy === 'closed';
  const source = result?.source ?? 'unchecked';
  const base = { source, reason: String(result?.reason ?? ''), findings: [], location: false, canAttach: false, reasonRequired: false, notice: '', rulesVersion: result?.rules_version ?? '' };
  if (source === 'unchecked' || !Array.isArray(result?.findings)) {
    const notice = closed ? `${uncheckedNotice(result)} ${IMAGE_NOTICES.closed}` : uncheckedNotice(result);
    return { ...base, kind: 'unchecked', canAttach: !closed, notice };
  }
  const decided = result.findings.map((f) => ({ ...f, action: actionOf(f) }));
  const shown = decided.filter((f) => SHOWN.has(f.action));
  const content = shown.filter((f) => f.source !== 'metadata');
  const metadata = decided.filter((f) => f.source === 'metadata' && f.action !== 'audit');
  const location = result.location === true;
  const offline = source === 'offline';
  const incomplete = result.complete === false && result.mode !== 'simulation';
  const notices = [];
  if (offline) notices.push(IMAGE_NOTICES.offline);
  else if (incomplete) notices.push(partialNotice(result.checks));
  const audit = decided.filter((f) => f.action === 'audit');
  const common = { ...base, audit, location, notice: notices.join(' ') };
  if (content.length) {
    return {
      ...common,
      kind: 'flagged',
      findings: [...content, ...metadata.filter((f) => SHOWN.has(f.action) || location)],
      canAttach: !content.some((f) => f.action === 'block') && !(closed && (offline || incomplete)),
      reasonRequired: content.some((f) => f.action === 'block_with_override'),
    };
  }
  if (location) return { ...common, kind: 'location', findings: metadata, canAttach: true };
  const personal = metadata.filter((f) => SHOWN.has(f.action));
  if (personal.length) return { ...common, kind: 'metadata', findings: personal, canAttach: true };
  if (incomplete && (closed || (!offline && result.verdict !== 'allow'))) {
    const notice = closed ? `${common.notice} ${IMAGE_NOTICES.closed}` : common.notice;
    return { ...common, kind: 'unchecked', canAttach: !closed && result.verdict !== 'block', notice };
  }
  if (incomplete) return { ...common, kind: 'notice' };
  return { ...common, kind: 'clean' };
}

// Where a finding is, in words: "in the image", "in a QR code", "in the photo's metadata".
export function whereWords(finding) {
  if (finding.source === 'text') return 'in the image';
  if (finding.source === 'metadata') return "in the photo's metadata";
  const where = String(finding.where || 'barcode');
  return `in ${/^[aeiou]/i.test(where) ? 'an' : 'a'} ${where}`;
}
