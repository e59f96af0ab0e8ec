import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGE_NOTICES, imageOutcome, whereWords } from '../../extension/src/content/attachments/outcome.js';

const card = (action) => ({ rule_id: 'credit-card', category: 'account_number', type: 'CREDIT_CARD', severity: 'high',
  preview: '•••• 1111', message: 'Card number', source: 'text', where: 'text in the image', action });
const gps = (action = 'warn') => ({ rule_id: 'image.gps-location', category: 'pii', type: 'GPS_LOCATION', severity: 'medium',
  preview: '', source: 'metadata', where: "location in the photo's metadata", action });
const DONE = { metadata: 'done', barcodes: 'done', text: 'done' };
const service = (findings, extra = {}) => ({ source: 'service', verdict: 'allow', findings, location: false, checks: DONE, complete: true, rules_version: 'r1', ...extra });

test('nothing found, complete: clean (the original goes through)', () => {
  assert.equal(imageOutcome(service([])).kind, 'clean');
  assert.equal(imageOutcome(service([{ ...card('allow') }])).kind, 'clean');
  assert.equal(imageOutcome(service([{ ...card('audit') }])).kind, 'clean');
});

test('a card in the image: flagged; Attach anyway per policy', () => {
  const warn = imageOutcome(service([card('warn')], { verdict: 'warn' }));
  assert.equal(warn.kind, 'flagged');
  assert.equal(warn.canAttach, true);
  assert.equal(warn.reasonRequired, false);
  const bwo = imageOutcome(service([card('block_with_override')]));
  assert.equal(bwo.canAttach, true);
  assert.equal(bwo.reasonRequired, true);
  assert.equal(imageOutcome(service([card('block')])).canAttach, false);
  assert.equal(imageOutcome(service([{ ...card(), action: 'nonsense' }])).reasonRequired, true, 'unknown action: held, reason needed');
});

test('location: the Remove location offer, whatever the GPS action', () => {
  const o = imageOutcome(service([gps('allow')], { location: true }));
  assert.equal(o.kind, 'location');
  assert.equal(o.findings.length, 1);
  const both = imageOutcome(service([card('warn'), gps()], { location: true }));
  assert.equal(both.kind, 'flagged', 'the finding is decided first');
  assert.equal(both.location, true, 'then the location');
});

test('incomplete service answer: never clean', () => {
  const partial = service([], { complete: false, verdict: 'warn', checks: { ...DONE, text: 'timeout' } });
  const o = imageOutcome(partial);
  assert.equal(o.kind, 'unchecked');
  assert.match(o.notice, /text in the image: timeout/);
  assert.equal(o.canAttach, true);
  assert.equal(imageOutcome({ ...partial, verdict: 'block' }).canAttach, false);
  assert.equal(imageOutcome(partial, { failPolicy: 'closed' }).canAttach, false);
});

test('offline: delivered with a notice that text was not checked; held when fail-closed', () => {
  const offline = { source: 'offline', verdict: 'warn', findings: [], location: false, complete: false, checks: { ...DONE, text: 'unavailable' } };
  const o = imageOutcome(offline);
  assert.equal(o.kind, 'notice');
  assert.match(o.notice, /text in images was not checked/);
  assert.equal(imageOutcome(offline, { failPolicy: 'closed' }).kind, 'unchecked');
  const located = imageOutcome({ ...offline, location: true, findings: [gps()] });
  assert.equal(located.kind, 'location');
  assert.equal(located.notice, IMAGE_NOTICES.offline);
});

test('no answer at all: a visible message, Attach anyway unless fail-closed', () => {
  assert.equal(imageOutcome({ source: 'unchecked', reason: 'too-large' }).notice, IMAGE_NOTICES.tooLarge);
  const o = imageOutcome({ source: 'unchecked', reason: 'unreachable' });
  assert.equal(o.kind, 'unchecked');
  assert.equal(o.canAttach, true);
  assert.equal(imageOutcome({ source: 'unchecked' }, { failPolicy: 'closed' }).canAttach, false);
});

test('where, in words', () => {
  assert.equal(whereWords(card()), 'in the image');
  assert.equal(whereWords(gps()), "in the photo's metadata");
  assert.equal(whereWords({ source: 'barcode', where: 'QR code' }), 'in a QR code');
  assert.equal(whereWords({ source: 'barcode', where: 'Aztec code' }), 'in an Aztec code');
});

test('image protocol: base64 both ways (the fallback path node takes), chunks a multiple of 3', async () => {
  const { CHUNK_BYTES, MAX_IMAGE_BYTES, fromBase64, toBase64 } = await import('../../extension/src/shared/image-protocol.js');
  const bytes = Uint8Array.from({ length: 100_001 }, (_, i) => (i * 7919) & 255);
  assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
  assert.equal(toBase64(bytes), Buffer.from(bytes).toString('base64'));
  assert.equal(CHUNK_BYTES % 3, 0);
  assert.equal(MAX_IMAGE_BYTES, 20 * 1024 * 1024);
});
