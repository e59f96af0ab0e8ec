// "Remove location": a copy of an image file without its position data, made
// without re-encoding (the image data, orientation and every other tag stay
// byte for byte). Pure (bytes in, bytes out; no DOM): unit-tested in node.
//
// Every edit keeps the file's length, so no offset anywhere has to move:
// - EXIF (a TIFF structure in JPEG APP1 "Exif", PNG eXIf, WebP "EXIF"): the
//   GPSInfo entry (tag 0x8825) leaves IFD0 (the entries after it move up one
//   slot, the count drops by one) and the GPS IFD and its values are zeroed;
// - XMP (JPEG APP1 "http://ns.adobe.com/xap/1.0/", PNG iTXt
//   "XML:com.adobe.xmp", WebP "XMP "): every GPS property (an attribute or an
//   element whose local name starts with "GPS") is overwritten with spaces,
//   which XML reads as whitespace. PNG chunks get their CRC recomputed.
// A format or a structure that cannot be edited this way (HEIC, compressed XMP,
// a broken EXIF) is reported as `cleanable: false`, never half cleaned.

const GPS_INFO_TAG = 0x8825;
const TYPE_SIZES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4]; // TIFF field types 1..13
const XMP_JPEG_ID = 'http://ns.adobe.com/xap/1.0/\0';
const XMP_PNG_KEYWORD = 'XML:com.adobe.xmp';
const EXIF_HEADER = 'Exif\0\0';

export class CannotClean extends Error {
  constructor(reason) {
    super(reason);
    this.name = 'CannotClean';
    this.reason = reason; // fixed wording, never file content
  }
}

const ascii = (bytes, start, length) => String.fromCharCode(...bytes.subarray(start, start + length));
const startsWith = (bytes, at, text) => at + text.length <= bytes.length && ascii(bytes, at, text.length) === text;

/** The image format by its magic bytes: 'jpeg' | 'png' | 'webp' | 'gif' | 'heif' | 'unknown'. */
export function sniffFormat(bytes) {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (startsWith(bytes, 0, '\x89PNG\r\n\x1a\n')) return 'png';
  if (startsWith(bytes, 0, 'RIFF') && startsWith(bytes, 8, 'WEBP')) return 'webp';
  if (startsWith(bytes, 0, 'GIF8')) return 'gif';
  if (startsWith(bytes, 4, 'ftyp') && /^(heic|heix|hevc|mif1|msf1|avif)$/.test(ascii(bytes, 8, 4))) return 'heif';
  return 'unknown';
}

// --- TIFF (EXIF) ---------------------------------------------------------------

function tiffReader(bytes, start, end) {
  const order = ascii(bytes, start, 2);
  if (order !== 'II' && order !== 'MM') throw new CannotClean('the EXIF block is damaged');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = order === 'II';
  const inside = (offset, length) => offset >= 0 && start + offset + length <= end;
  const check = (offset, length) => {
    if (!inside(offset, length)) throw new CannotClean('the EXIF block is damaged');
    return start + offset;
  };
  return {
    u16: (offset) => view.getUint16(check(offset, 2), little),
    u32: (offset) => view.getUint32(check(offset, 4), little),
    setU16: (offset, value) => view.setUint16(check(offset, 2), value, little),
    zero: (offset, length) => bytes.fill(0, check(offset, length), start + offset + length),
    copyWithin: (to, from, length) => bytes.copyWithin(check(to, length), check(from, length), start + from + length),
  };
}

// Removes the GPS IFD from the TIFF structure in bytes[start, end), in place.
// Returns whether there was one.
function stripTiffGps(bytes, start, end) {
  const tiff = tiffReader(bytes, start, end);
  if (tiff.u16(2) !== 42) throw new CannotClean('the EXIF block is damaged');
  const ifd0 = tiff.u32(4);
  const count = tiff.u16(ifd0);
  let slot = -1;
  let gps = 0;
  for (let i = 0; i < count; i++) {
    const entry = ifd0 + 2 + 12 * i;
    if (tiff.u16(entry) === GPS_INFO_TAG) {
      slot = i;
      gps = tiff.u32(entry + 8);
    }
  }
  if (slot < 0) return false;
  // The GPS IFD's out-of-line values, then the IFD itself.
  const gpsCount = tiff.u16(gps);
  tiff.u32(gps + 2 + 12 * gpsCount); // the next-IFD link must be there too
  for (let i = 0; i < gpsCount; i++) {
    const entry = gps + 2 + 12 * i;
    const type = tiff.u16(entry + 2);
    const size = (TYPE_SIZES[type] ?? 0) * tiff.u32(entry + 4);
    if (size > 4) tiff.zero(tiff.u32(entry + 8), size);
  }
  tiff.zero(gps, 2 + 12 * gpsCount + 4);
  // IFD0 without the entry: the later entries and the next-IFD link move up.
  const from = ifd0 + 2 + 12 * (slot + 1);
  const tail = 12 * (count - slot - 1) + 4;
  tiff.copyWithin(from - 12, from, tail);
  tiff.zero(from - 12 + tail, 12);
  tiff.setU16(ifd0, count - 1);
  return true;
}

function hasTiffGps(bytes, start, end) {
  try {
    const tiff = tiffReader(bytes, start, end);
    const ifd0 = tiff.u32(4);
    const count = tiff.u16(ifd0);
    for (let i = 0; i < count; i++) if (tiff.u16(ifd0 + 2 + 12 * i) === GPS_INFO_TAG) return true;
  } catch {
    return false;
  }
  return false;
}

// --- XMP ------------------------------------------------------------------------

// exif:GPSLatitude="…" / exif:GPSLatitude='…' and <exif:GPSLatitude …>…</exif:GPSLatitude>
// (or self-closed); also GPS properties of other namespaces (drone-dji:GpsLatitude).
const GPS_ATTRIBUTE = /\s[A-Za-z][\w.-]*:GPS[\w.-]*\s*=\s*("[^"]*"|'[^']*')/gi;
const GPS_ELEMENT = /<([A-Za-z][\w.-]*:GPS[\w.-]*)\b[^>]*?(\/>|>[\s\S]*?<\/\1\s*>)/gi;

// XMP is UTF-8; the GPS names and their values as stored are ASCII-safe to
// blank byte for byte only if we work on bytes, so map each match back.
function blankXmp(bytes, start, end) {
  const text = new TextDecoder('latin1').decode(bytes.subarray(start, end)); // one char per byte
  let found = false;
  for (const pattern of [GPS_ELEMENT, GPS_ATTRIBUTE]) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      found = true;
      bytes.fill(0x20, start + match.index, start + match.index + match[0].length);
    }
  }
  return found;
}

function hasXmpGps(bytes, start, end) {
  const text = new TextDecoder('latin1').decode(bytes.subarray(start, end));
  GPS_ATTRIBUTE.lastIndex = 0;
  GPS_ELEMENT.lastIndex = 0;
  return GPS_ATTRIBUTE.test(text) || GPS_ELEMENT.test(text);
}

// --- JPEG -----------------------------------------------------------------------

// The metadata segments before the image data: [{marker, start, end}] (payload bounds).
function jpegSegments(bytes) {
  const segments = [];
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new CannotClean('the JPEG structure is damaged');
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // start of scan / end: image data follows
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length) throw new CannotClean('the JPEG structure is damaged');
    segments.push({ marker, start: at + 4, end });
    at = end;
  }
  return segments;
}

function eachJpegBlock(bytes, onExif, onXmp) {
  let found = false;
  for (const { marker, start, end } of jpegSegments(bytes)) {
    if (marker !== 0xe1) continue;
    if (startsWith(bytes, start, EXIF_HEADER)) found = onExif(start + 6, end) || found;
    else if (startsWith(bytes, start, XMP_JPEG_ID)) found = onXmp(start + XMP_JPEG_ID.length, end) || found;
  }
  return found;
}

// --- PNG ------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunks(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks = [];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const type = ascii(bytes, at + 4, 4);
    if (at + 12 + length > bytes.length) throw new CannotClean('the PNG structure is damaged');
    chunks.push({ type, at, start: at + 8, end: at + 8 + length });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  return chunks;
}

function fixPngCrc(bytes, chunk) {
  const crc = crc32(bytes.subarray(chunk.at + 4, chunk.end));
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(chunk.end, crc);
}

// The XMP text's bounds inside an iTXt chunk, or null when it is another
// iTXt; a compressed XMP packet cannot be blanked in place.
function pngXmpText(bytes, chunk) {
  if (!startsWith(bytes, chunk.start, `${XMP_PNG_KEYWORD}\0`)) return null;
  let at = chunk.start + XMP_PNG_KEYWORD.length + 1;
  const compressed = bytes[at];
  at += 2; // compression flag and method
  for (let nulls = 0; nulls < 2 && at < chunk.end; at++) if (bytes[at] === 0) nulls++; // language, translated keyword
  if (compressed) return { compressed: true };
  return { start: at, end: chunk.end };
}

function eachPngBlock(bytes, onExif, onXmp, { mutate }) {
  let found = false;
  for (const chunk of pngChunks(bytes)) {
    let changed = false;
    if (chunk.type === 'eXIf') {
      const offset = startsWith(bytes, chunk.start, EXIF_HEADER) ? 6 : 0;
      changed = onExif(chunk.start + offset, chunk.end);
    } else if (chunk.type === 'iTXt') {
      const xmp = pngXmpText(bytes, chunk);
      if (xmp?.compressed) {
        if (mutate) throw new CannotClean('this PNG keeps its XMP compressed');
        continue;
      }
      if (xmp) changed = onXmp(xmp.start, xmp.end);
    } else if (chunk.type === 'zTXt' || chunk.type === 'tEXt') {
      // ImageMagick's hex-encoded EXIF: not editable in place.
      if (startsWith(bytes, chunk.start, 'Raw profile type ') && mutate) {
        throw new CannotClean('this PNG keeps its EXIF in a text chunk');
      }
    }
    if (changed && mutate) fixPngCrc(bytes, chunk);
    found = changed || found;
  }
  return found;
}

// --- WebP -----------------------------------------------------------------------

function eachWebpBlock(bytes, onExif, onXmp) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let found = false;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const type = ascii(bytes, at, 4);
    const size = view.getUint32(at + 4, true);
    const start = at + 8;
    const end = start + size;
    if (end > bytes.length) throw new CannotClean('the WebP structure is damaged');
    if (type === 'EXIF') found = onExif(start + (startsWith(bytes, start, EXIF_HEADER) ? 6 : 0), end) || found;
    else if (type === 'XMP ') found = onXmp(start, end) || found;
    at = end + (size & 1); // chunks are padded to an even length
  }
  return found;
}

// --- API ------------------------------------------------------------------------

function walk(format, bytes, onExif, onXmp, options) {
  if (format === 'jpeg') return eachJpegBlock(bytes, onExif, onXmp);
  if (format === 'png') return eachPngBlock(bytes, onExif, onXmp, options);
  if (format === 'webp') return eachWebpBlock(bytes, onExif, onXmp);
  return null;
}

/** Does the file carry a position we know how to read (EXIF GPS, XMP GPS)? */
export function hasLocation(input) {
  const bytes = new Uint8Array(input);
  try {
    return Boolean(walk(sniffFormat(bytes), bytes, (s, e) => hasTiffGps(bytes, s, e), (s, e) => hasXmpGps(bytes, s, e), { mutate: false }));
  } catch {
    return false;
  }
}

/**
 * A copy of `input` (ArrayBuffer | Uint8Array) without its position data.
 * Returns {bytes, removed} (removed: something was taken out); throws
 * CannotClean when the format or the file cannot be cleaned losslessly.
 */
export function removeLocation(input) {
  const bytes = new Uint8Array(input).slice();
  const format = sniffFormat(bytes);
  if (format === 'gif') return { bytes, removed: false }; // GIF has no EXIF/XMP GPS
  const removed = walk(format, bytes, (s, e) => stripTiffGps(bytes, s, e), (s, e) => blankXmp(bytes, s, e), { mutate: true });
  if (removed === null) throw new CannotClean(`PostGuard cannot remove the location from this kind of file (${format.toUpperCase()})`);
  if (hasLocation(bytes)) throw new CannotClean('the location could not be removed from this file');
  return { bytes, removed };
}
