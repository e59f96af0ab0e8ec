// What a decoded barcode's text gives away, recognised in JS for the offline
// path; the rule ids, types, categories and severities are the service's
// (backend/postguard/images, "Barcode payload findings"). The engine scans the
// same payload for everything else (an IBAN in a payment QR code). Pure.
import { maskValue } from '../shared/mask-value.js';

// Messages: backend/postguard/images/findings.py, word for word.
const KINDS = Object.freeze({
  wifi: {
    rule_id: 'image.wifi-password', type: 'PASSWORD', category: 'credential', severity: 'high',
    message: "This QR code holds a Wi-Fi network's password; anyone who scans the picture can join the network.",
  },
  totp: {
    rule_id: 'image.totp-secret', type: 'TOTP_SECRET', category: 'credential', severity: 'critical',
    message: "This QR code enrols a two-factor authenticator; anyone who scans it gets the account's one-time codes.",
  },
  boarding: {
    rule_id: 'image.boarding-pass', type: 'BOARDING_PASS', category: 'pii', severity: 'high',
    message: "This barcode is a boarding pass: it holds the passenger's name and booking reference, enough to change or cancel the trip.",
  },
});

function finding(kind, text, start, end, where) {
  const k = KINDS[kind];
  return {
    ...k,
    start,
    end,
    score: 1,
    preview: maskValue(text.slice(start, end)),
    policy_url: null,
    source: 'barcode',
    where,
    box: null,
  };
}

// WIFI:T:WPA;S:office;P:secret;; — fields end at an unescaped ';' ("\;" is a
// literal semicolon). The password's bounds in `text`, or null.
function wifiPassword(text) {
  if (!/^WIFI:/i.test(text)) return null;
  let at = 5;
  while (at < text.length) {
    let end = at;
    while (end < text.length && text[end] !== ';') end += text[end] === '\\' ? 2 : 1;
    const field = text.slice(at, end);
    if (/^P:/i.test(field) && field.length > 2) return [at + 2, Math.min(end, text.length)];
    at = end + 1;
  }
  return null;
}

// otpauth://totp/Issuer:me?secret=BASE32&issuer=… — the secret's bounds.
function otpSecret(text) {
  const match = /^otpauth:\/\/[th]otp\/[^?]*\?(?:.*&)?secret=([A-Z2-7=]+)/i.exec(text);
  if (!match) return null;
  const start = match.index + match[0].length - match[1].length;
  return [start, start + match[1].length];
}

// IATA BCBP (Resolution 792): 'M', legs 1-4, a 20-character name, an
// e-ticket flag, a 7-character booking reference, from, to, carrier.
const BCBP = /^M[1-4](.{20})[E ]([A-Z0-9 ]{7})([A-Z]{3})([A-Z]{3})([A-Z0-9 ]{3})/;

function boardingPass(text) {
  const match = BCBP.exec(text);
  return match ? [0, text.length] : null; // the whole pass, as the service reports it
}

/** Findings for one decoded payload (`where`: "QR code", "PDF417 barcode", …). */
export function payloadFindings(text, where = 'QR code') {
  if (typeof text !== 'string' || !text) return [];
  const out = [];
  const wifi = wifiPassword(text);
  if (wifi) out.push(finding('wifi', text, ...wifi, where));
  const otp = otpSecret(text);
  if (otp) out.push(finding('totp', text, ...otp, where));
  const pass = boardingPass(text);
  if (pass) out.push(finding('boarding', text, ...pass, where));
  return out;
}

/** Human words for a zxing format name: "QRCode" -> "QR code". */
export function whereOf(format) {
  const name = String(format ?? '');
  if (/qr/i.test(name)) return 'QR code';
  if (/pdf ?417/i.test(name)) return 'PDF417 barcode';
  if (/aztec/i.test(name)) return 'Aztec code';
  if (/data ?matrix/i.test(name)) return 'Data Matrix code';
  return 'barcode';
}

export const GPS_FINDING = Object.freeze({
  rule_id: 'image.gps-location',
  type: 'GPS_LOCATION',
  category: 'pii',
  severity: 'medium',
  start: 0,
  end: 0,
  score: 1,
  preview: '',
  message: 'This image records where it was taken; anyone who downloads it can see the place.',
  policy_url: null,
  source: 'metadata',
  where: "location in the photo's metadata",
  box: null,
});
