// The validators the JS engine has, by bundle name, alphabetised. Each one is a
// file here, a twin in backend/postguard/engine/validators/ and a vector file in
// shared_rules/vectors/; tests/conformance/test_registries.py checks they agree.
import * as abaRouting from './aba-routing.js';
import * as base58check from './base58check.js';
import * as bech32 from './bech32.js';
import * as bic from './bic.js';
import * as bip39 from './bip39.js';
import * as clabe from './clabe.js';
import * as eip55 from './eip55.js';
import * as entropy from './entropy.js';
import * as iban from './iban.js';
import * as jwt from './jwt.js';
import * as luhn from './luhn.js';
import * as paymentCard from './payment-card.js';
import * as verhoeff from './verhoeff.js';

export const VALIDATORS = Object.freeze(
  Object.fromEntries([abaRouting, base58check, bech32, bic, bip39, clabe, eip55, entropy, iban, jwt, luhn, paymentCard, verhoeff].map((m) => [m.NAME, m])),
);
