// Keccak-256 as Ethereum uses it (EIP-55 address checksums): the Keccak
// submission's padding (0x01 ... 0x80), not FIPS 202 SHA3-256's (0x06 ... 0x80).
// The twin of keccak.py: the Keccak-f[1600] permutation of FIPS 202, section 3,
// with its round constants and rotation offsets computed by the algorithms given
// there (rc and rho). Lanes are BigInts: a few hundred operations per 40-byte
// hash, and only mixed-case 0x addresses are hashed.

const MASK = (1n << 64n) - 1n;
const ROUNDS = 24;
// Keccak-256: capacity 512 bits, so a rate of 1600 - 512 bits = 136 bytes.
export const RATE = 136;
export const KECCAK_PADDING = 0x01; // the Keccak submission (Ethereum)
export const SHA3_PADDING = 0x06; // FIPS 202 SHA3-256 (for the tests)

/** FIPS 202 Algorithm 5: one output bit of the round-constant LFSR. */
function rcBit(t) {
  if (t % 255 === 0) return 1;
  let r = 0x01; // R = 10000000 read with R[0] as the lowest bit
  for (let i = 0; i < t % 255; i += 1) {
    r <<= 1;
    if (r & 0x100) r ^= 0x171; // R[8] after the shift: feed it into R[0, 4, 5, 6]
  }
  return r & 1;
}

/** FIPS 202 Algorithm 6: bit 2**j - 1 of RC is rc(j + 7 * round). */
function roundConstant(round) {
  let constant = 0n;
  for (let j = 0; j < 7; j += 1) {
    constant |= BigInt(rcBit(j + 7 * round)) << BigInt((1 << j) - 1);
  }
  return constant;
}

/** FIPS 202 Algorithm 2 (rho): the lane at (x, y) turns by (t+1)(t+2)/2, with
 * (x, y) walking from (1, 0) by (x, y) -> (y, 2x + 3y). */
function rotationOffsets() {
  const offsets = new Array(25).fill(0);
  let [x, y] = [1, 0];
  for (let t = 0; t < 24; t += 1) {
    offsets[x + 5 * y] = (((t + 1) * (t + 2)) / 2) % 64;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  return offsets;
}

export const ROUND_CONSTANTS = Array.from({ length: ROUNDS }, (_, i) => roundConstant(i));
export const ROTATIONS = rotationOffsets();
// pi: the lane at (x, y) moves to (y, 2x + 3y); indices are x + 5y. Per lane:
// its column x, where pi puts it and how far rho turns it.
const STEPS = [];
// chi reads, for the lane at (x, y), the lanes at (x + 1, y) and (x + 2, y).
const CHI = [];
for (let y = 0; y < 5; y += 1) {
  for (let x = 0; x < 5; x += 1) {
    const turn = BigInt(ROTATIONS[x + 5 * y]);
    STEPS.push([x, y + 5 * ((2 * x + 3 * y) % 5), turn, 64n - turn]);
    CHI.push([x + 5 * y, ((x + 1) % 5) + 5 * y, ((x + 2) % 5) + 5 * y]);
  }
}

/** Keccak-f[1600] in place on 25 BigInt lanes (index x + 5y). */
export function permute(lanes) {
  const moved = new Array(25).fill(0n);
  for (const constant of ROUND_CONSTANTS) {
    // theta: each column's parity, mixed into the two neighbouring columns
    const parity = [0, 1, 2, 3, 4].map(
      (x) => lanes[x] ^ lanes[x + 5] ^ lanes[x + 10] ^ lanes[x + 15] ^ lanes[x + 20],
    );
    const mix = [0, 1, 2, 3, 4].map((x) => {
      const next = parity[(x + 1) % 5];
      return parity[(x + 4) % 5] ^ (((next << 1n) | (next >> 63n)) & MASK);
    });
    // rho and pi: turn each lane, then move it
    STEPS.forEach(([x, target, turn, back], index) => {
      const lane = lanes[index] ^ mix[x];
      moved[target] = ((lane << turn) | (lane >> back)) & MASK;
    });
    // chi, the only non-linear step, along each row; then iota
    for (const [index, after, nextAfter] of CHI) {
      lanes[index] = moved[index] ^ (~moved[after] & moved[nextAfter] & MASK);
    }
    lanes[0] ^= constant;
  }
}

/** The 32-byte digest of `bytes` (a Uint8Array); `padding` picks Keccak or SHA3. */
export function keccak256(bytes, padding = KECCAK_PADDING) {
  const length = Math.ceil((bytes.length + 1) / RATE) * RATE;
  const message = new Uint8Array(length);
  message.set(bytes);
  message[bytes.length] = padding;
  message[length - 1] |= 0x80;
  const view = new DataView(message.buffer);
  const lanes = new Array(25).fill(0n);
  for (let block = 0; block < length; block += RATE) {
    for (let i = 0; i < RATE / 8; i += 1) lanes[i] ^= view.getBigUint64(block + 8 * i, true);
    permute(lanes);
  }
  const digest = new Uint8Array(32);
  const out = new DataView(digest.buffer);
  for (let i = 0; i < 4; i += 1) out.setBigUint64(8 * i, lanes[i], true);
  return digest;
}
