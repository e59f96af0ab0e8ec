// Reads an image the way the offline path can: its position (exifr, plus the
// XMP GPS the remover knows) and its barcodes (zxing-wasm). Runs in the
// engine's Worker, never in a page. The .wasm is the packaged copy, handed
// over as bytes: nothing is fetched from a CDN (zxing-wasm's default).
import { hasLocation, sniffFormat } from '../content/attachments/remove-location.js';

const VENDOR = new URL('../vendor/', import.meta.url);
const WASM_URL = new URL('zxing-wasm/reader/zxing_reader.wasm', VENDOR);
// Fast settings: a 12-megapixel photo in about half a second (no rotations,
// no inverted codes; large images are also tried downscaled).
const READER_OPTIONS = Object.freeze({
  formats: [],
  tryHarder: false,
  tryRotate: false,
  tryInvert: false,
  tryDownscale: true,
  maxNumberOfSymbols: 16,
});

let libraries = null;

// `loadWasm()`: the .wasm's bytes (tests read the file; the extension fetches
// its own packaged copy, a chrome-extension:// / moz-extension:// URL).
export function loadLibraries(loadWasm = async () => new Uint8Array(await (await fetch(WASM_URL)).arrayBuffer())) {
  libraries ??= (async () => {
    const [{ default: exifr }, zxing, wasmBinary] = await Promise.all([
      import(new URL('exifr/full.esm.js', VENDOR).href),
      import(new URL('zxing-wasm/es/reader/index.js', VENDOR).href),
      loadWasm(),
    ]);
    await zxing.prepareZXingModule({
      overrides: { wasmBinary, locateFile: () => WASM_URL.href },
      fireImmediately: true,
    });
    return { exifr, readBarcodes: zxing.readBarcodes };
  })();
  libraries.catch(() => (libraries = null));
  return libraries;
}

async function readPosition(exifr, bytes) {
  if (hasLocation(bytes)) return true;
  const gps = await exifr.gps(bytes);
  return Number.isFinite(gps?.latitude) && Number.isFinite(gps?.longitude);
}

// WebP is not among the decoder's formats: decode it to pixels first where
// the Worker can (OffscreenCanvas).
async function pixelsOf(bytes, format) {
  if (format !== 'webp' || typeof OffscreenCanvas !== 'function') return bytes;
  const bitmap = await createImageBitmap(new Blob([bytes]));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height);
}

/**
 * {format, location, codes: [{format, text}], checks: {metadata, barcodes}};
 * each check "done" or "failed" (never the content of the file in an error).
 */
export async function readImage(bytes, { libs } = {}) {
  const { exifr, readBarcodes } = libs ?? (await loadLibraries());
  const format = sniffFormat(bytes);
  const checks = { metadata: 'done', barcodes: 'done' };
  let location = false;
  try {
    location = await readPosition(exifr, bytes);
  } catch {
    checks.metadata = 'failed';
  }
  let codes = [];
  try {
    const results = await readBarcodes(await pixelsOf(bytes, format), READER_OPTIONS);
    codes = results.filter((r) => r.isValid && r.text).map((r) => ({ format: r.format, text: r.text }));
  } catch {
    checks.barcodes = 'failed';
  }
  return { format, location, codes, checks };
}
