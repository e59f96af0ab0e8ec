// HMAC-SHA-256 (RFC 2104) for many short messages under one key, synchronous:
// a scan hashes thousands of joined words. The key's inner and outer pads are
// compressed once; each message then costs its own blocks plus one outer block,
// with no allocation per message. Checked against node:crypto in
// tests/engine-js/hashed-terms.test.js.
import { INITIAL, K as K32, sha256 } from './sha256.js';

const K = Int32Array.from(K32);

const BLOCK = 64;
const rotr = (x, n) => (x >>> n) | (x << (32 - n));

/** One SHA-256 compression of the 16 words at the start of `w` into `state`. */
function compress(state, w) {
  for (let t = 16; t < 64; t += 1) {
    const x = w[t - 15];
    const y = w[t - 2];
    const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
    const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
    w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
  }
  // Plain loads, not destructuring: this runs for every joined word of a post.
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let e = state[4];
  let f = state[5];
  let g = state[6];
  let h = state[7];
  for (let t = 0; t < 64; t += 1) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0;
  state[5] = (state[5] + f) | 0;
  state[6] = (state[6] + g) | 0;
  state[7] = (state[7] + h) | 0;
}

function padState(key, pad, w) {
  const state = Int32Array.from(INITIAL);
  for (let i = 0; i < 16; i += 1) {
    let word = 0;
    for (let k = 0; k < 4; k += 1) word = (word << 8) | ((key[4 * i + k] ?? 0) ^ pad);
    w[i] = word;
  }
  compress(state, w);
  return state;
}

/**
 * For `key` (bytes), a function from message bytes to the first `words` 32-bit
 * words of HMAC-SHA-256(key, message), joined into a string (the hashed-terms
 * lookup key; see wordsKey).
 */
export function createHmac(key, words) {
  const w = new Int32Array(64);
  const block = key.length > BLOCK ? sha256(key) : key;
  const inner = padState(block, 0x36, w);
  const outer = padState(block, 0x5c, w);
  const state = new Int32Array(8);
  return (message) => {
    state.set(inner);
    const total = BLOCK + message.length; // bytes hashed, the pad included
    const blocks = Math.ceil((message.length + 9) / BLOCK);
    for (let n = 0; n < blocks; n += 1) {
      for (let i = 0; i < 16; i += 1) {
        let word = 0;
        for (let k = 0; k < 4; k += 1) {
          const at = n * BLOCK + 4 * i + k;
          const byte = at < message.length ? message[at] : at === message.length ? 0x80 : 0;
          word = (word << 8) | byte;
        }
        w[i] = word;
      }
      if (n === blocks - 1) {
        w[14] = Math.floor((total * 8) / 0x100000000);
        w[15] = (total * 8) | 0;
      }
      compress(state, w);
    }
    for (let i = 0; i < 8; i += 1) w[i] = state[i];
    w[8] = 0x80000000 | 0;
    for (let i = 9; i < 15; i += 1) w[i] = 0;
    w[15] = (BLOCK + 32) * 8;
    state.set(outer);
    compress(state, w);
    let out = '';
    for (let i = 0; i < words; i += 1) out += `${i ? ':' : ''}${state[i] >>> 0}`;
    return out;
  };
}

/** The lookup key of a hash given in hex (as createHmac's functions return it). */
export function wordsKey(hex) {
  const out = [];
  for (let i = 0; i < hex.length; i += 8) out.push(parseInt(hex.slice(i, i + 8), 16) >>> 0);
  return out.join(':');
}
