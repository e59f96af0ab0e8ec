// A BIP-39 mnemonic (a wallet's seed phrase): 12, 15, 18, 21 or 24 words of the
// wordlist with the checksum BIP-39 defines. The twin of bip39.py, which says
// what is checked. The wordlist comes from the bundle as params.wordlist (2,048
// words in index order, separated by spaces).
import { sha256 } from '../sha256.js';

export const NAME = 'bip39';
export const DEFAULT_BOOST = 0.3;

const WORD_COUNTS = new Set([12, 15, 18, 21, 24]);
const WORDLIST_SIZE = 2048;
// Word -> index, per wordlist string (a bundle holds one).
const indexes = new Map();

/** Word -> index; throws unless the list has 2,048 distinct words. */
export function wordIndexes(wordlist) {
  let index = indexes.get(wordlist);
  if (index === undefined) {
    const words = wordlist.split(' ');
    index = new Map(words.map((word, n) => [word, n]));
    if (words.length !== WORDLIST_SIZE || index.size !== WORDLIST_SIZE || index.has('')) {
      throw new Error('bip39: the wordlist must hold 2048 distinct words');
    }
    if (indexes.size >= 4) indexes.clear();
    indexes.set(wordlist, index);
  }
  return index;
}

/** Check the wordlist once, when a bundle is loaded. */
export function prepare(params) {
  if (typeof params?.wordlist !== 'string') {
    throw new Error('bip39: the bundle gives no wordlist (validators.bip39)');
  }
  wordIndexes(params.wordlist);
}

/** The words of a phrase: runs of ASCII letters (numbers and separators go). */
export function wordsOf(value) {
  return value.match(/[A-Za-z]+/g) ?? [];
}

export function validate(value, params = {}) {
  const wordlist = params?.wordlist;
  if (typeof wordlist !== 'string') return false;
  const words = wordsOf(value);
  if (!WORD_COUNTS.has(words.length)) return false;
  let index;
  try {
    index = wordIndexes(wordlist);
  } catch {
    return false;
  }
  // 11 bits per word, at most 264: the entropy's bytes and the checksum's bits.
  const checksumBits = words.length / 3;
  const entropy = new Uint8Array((words.length * 4) / 3);
  let accumulator = 0;
  let pending = 0;
  let written = 0;
  for (const word of words) {
    const position = index.get(word);
    if (position === undefined) return false;
    accumulator = ((accumulator << 11) | position) & 0x3ffff; // at most 18 bits pending
    pending += 11;
    while (pending >= 8 && written < entropy.length) {
      pending -= 8;
      entropy[written] = (accumulator >> pending) & 0xff;
      written += 1;
    }
  }
  const checksum = accumulator & ((1 << checksumBits) - 1);
  return checksum === sha256(entropy)[0] >> (8 - checksumBits);
}
