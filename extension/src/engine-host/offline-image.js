// The offline answer for an attached image, in the shape of the service's
// POST /api/v1/image answer: position (metadata) and barcodes only, each
// decoded payload recognised (barcode-payloads.js) and scanned by the engine,
// then decided by the bundle's policy, its `attachments` section first. Text
// in the image (OCR) is never checked offline, so the answer is never complete.
import { GPS_FINDING, payloadFindings, whereOf } from './barcode-payloads.js';
import { compilePolicy } from '../engine/policy.js';
import { decide } from './offline-result.js';

/**
 * `read`: readImage()'s answer; `scanText(text)`: the engine's findings for a
 * payload (or [] with no bundle); `policyData` + `rules`: the bundle's.
 */
export function offlineImageResult(read, { scanText = () => [], policyData = null, rules = [], version = 'offline', platform = null }) {
  const findings = [];
  if (read.location) findings.push({ ...GPS_FINDING });
  for (const code of read.codes) {
    const where = whereOf(code.format);
    findings.push(...payloadFindings(code.text, where));
    for (const f of scanText(code.text)) findings.push({ ...f, source: 'barcode', where, box: null });
  }
  const checks = { ...read.checks, text: 'unavailable' };
  const result = {
    verdict: findings.length ? 'warn' : 'allow',
    findings,
    location: read.location,
    checks,
    complete: false,
    incomplete: [{ rule_id: null, reason: 'text_not_checked' }],
    format: read.format,
    rules_version: String(version),
    findings_omitted: 0,
  };
  // attachment: the policy's `attachments` section first, as the service's decide().
  const policy = policyData ? compilePolicy(policyData, rules) : null;
  return decide(policy, result, platform, [], null, true);
}
