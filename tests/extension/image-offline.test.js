// The offline image path: the vendored libraries are fresh copies, zxing-wasm
// loads its packaged .wasm (never the CDN), barcodes and GPS are read, the
// payload classifiers mirror the service's rule ids, the policy decides.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GPS_FINDING, payloadFindings, whereOf } from '../../extension/src/engine-host/barcode-payloads.js';
import { offlineImageResult } from '../../extension/src/engine-host/offline-image.js';
import { loadLibraries, readImage } from '../../extension/src/engine-host/image-reader.js';
import { jpeg, tiffWithGps } from './helpers/image-bytes.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const VENDORED_WASM = new URL('../../extension/src/vendor/zxing-wasm/reader/zxing_reader.wasm', import.meta.url);
const WIFI = 'WIFI:T:WPA;S:office;P:Summer2026!;;';

test('the vendored copies are fresh (scripts/vendor-image-libs.mjs --check)', () => {
  execFileSync(process.execPath, ['scripts/vendor-image-libs.mjs', '--check'], { cwd: REPO, stdio: 'pipe' });
});

// A QR code made with zxing-wasm's writer (the npm package; the extension ships the reader only).
async function qrPng(text) {
  const writer = await import('zxing-wasm/writer');
  const wasm = new URL('../../node_modules/zxing-wasm/dist/writer/zxing_writer.wasm', import.meta.url);
  await writer.prepareZXingModule({ overrides: { wasmBinary: readFileSync(wasm) }, fireImmediately: true });
  const { image } = await writer.writeBarcode(text, { format: 'QRCode', scale: 6 });
  return new Uint8Array(await image.arrayBuffer());
}

test('zxing-wasm reads a QR code from the packaged .wasm, with no network at all', async (t) => {
  const realFetch = globalThis.fetch;
  const asked = [];
  globalThis.fetch = async (url) => {
    asked.push(String(url));
    throw new Error('no network in this test');
  };
  t.after(() => (globalThis.fetch = realFetch));
  const libs = await loadLibraries(async () => new Uint8Array(readFileSync(VENDORED_WASM)));
  const png = await qrPng(WIFI);
  const read = await readImage(png, { libs });
  assert.deepEqual(asked, [], 'nothing fetched');
  assert.equal(read.format, 'png');
  assert.equal(read.location, false);
  assert.deepEqual(read.codes, [{ format: 'QRCode', text: WIFI }]);
  assert.deepEqual(read.checks, { metadata: 'done', barcodes: 'done' });
});

test('GPS in EXIF is read offline', async () => {
  const libs = await loadLibraries(async () => new Uint8Array(readFileSync(VENDORED_WASM)));
  assert.equal((await readImage(jpeg({ tiff: tiffWithGps() }), { libs })).location, true);
  assert.equal((await readImage(jpeg({ tiff: tiffWithGps({ gps: false }) }), { libs })).location, false);
});

test('payload classifiers: Wi-Fi password, TOTP secret, boarding pass; ids as the service', () => {
  const [wifi] = payloadFindings(WIFI, whereOf('QRCode'));
  assert.equal(wifi.rule_id, 'image.wifi-password');
  assert.equal(wifi.type, 'PASSWORD');
  assert.equal(wifi.category, 'credential');
  assert.equal(wifi.severity, 'high');
  assert.equal(WIFI.slice(wifi.start, wifi.end), 'Summer2026!');
  assert.notEqual(wifi.preview, 'Summer2026!', 'masked');
  assert.equal(wifi.where, 'QR code');
  const escaped = payloadFindings('WIFI:S:x;P:a\\;b;;')[0];
  assert.equal('WIFI:S:x;P:a\\;b;;'.slice(escaped.start, escaped.end), 'a\\;b');
  assert.deepEqual(payloadFindings('WIFI:T:nopass;S:guest;;'), []);

  const otp = 'otpauth://totp/Acme:me?secret=JBSWY3DPEHPK3PXP&issuer=Acme';
  const [totp] = payloadFindings(otp);
  assert.equal(totp.rule_id, 'image.totp-secret');
  assert.equal(totp.severity, 'critical');
  assert.equal(otp.slice(totp.start, totp.end), 'JBSWY3DPEHPK3PXP');

  const bcbp = 'M1DESMARAIS/LUC       EABC123 YULFRAAC 0834 326J001A0025 100';
  const [pass] = payloadFindings(bcbp, whereOf('PDF417'));
  assert.equal(pass.rule_id, 'image.boarding-pass');
  assert.equal(pass.where, 'PDF417 barcode');
  assert.deepEqual(payloadFindings('https://example.org/menu'), []);
});

const POLICY = {
  mode: 'enforce',
  default_action: 'allow',
  on_incomplete: 'warn',
  actions: { credential: { high: 'warn', critical: 'block' }, pii: { medium: 'warn' } },
  attachments: { actions: { credential: { high: 'block_with_override' } } },
};

test('offline result: the attachments policy decides, and text is never "checked"', () => {
  const read = { format: 'png', location: true, codes: [{ format: 'QRCode', text: WIFI }], checks: { metadata: 'done', barcodes: 'done' } };
  const result = offlineImageResult(read, { policyData: POLICY, platform: null });
  assert.equal(result.complete, false);
  assert.equal(result.checks.text, 'unavailable');
  assert.equal(result.location, true);
  const byRule = Object.fromEntries(result.findings.map((f) => [f.rule_id, f]));
  assert.equal(byRule['image.wifi-password'].action, 'block_with_override', 'the attachments section wins');
  assert.equal(byRule['image.gps-location'].action, 'warn', 'falls back to the text actions');
  assert.equal(result.verdict, 'block');
  assert.equal(GPS_FINDING.source, 'metadata');
});

test('offline result: the engine scans each payload (its findings are "barcode" ones)', () => {
  const read = { format: 'png', location: false, codes: [{ format: 'QRCode', text: 'pay DE89370400440532013000' }], checks: { metadata: 'done', barcodes: 'done' } };
  const iban = { rule_id: 'iban', category: 'account_number', type: 'IBAN', severity: 'high', start: 4, end: 26, preview: 'x', message: 'IBAN' };
  const result = offlineImageResult(read, { scanText: () => [iban] });
  assert.equal(result.findings.length, 1);
  assert.equal(result.findings[0].source, 'barcode');
  assert.equal(result.findings[0].where, 'QR code');
});
