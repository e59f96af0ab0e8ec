// Hand-built image files for the attachment tests: a TIFF (EXIF) block with
// an orientation, a GPS IFD and a following entry, wrapped as JPEG, PNG and WebP.
// Only the container structure is real; the "image data" is a fixed pattern.
import { crc32 } from '../../../extension/src/content/attachments/remove-location.js';


const enc = (text) => [...text].map((c) => c.charCodeAt(0));

function u16(n, little) {
  return little ? [n & 255, n >> 8] : [n >> 8, n & 255];
}
function u32(n, little) {
  const b = [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  return little ? b.reverse() : b;
}

/**
 * TIFF: IFD0 = Orientation (6), GPSInfo -> GPS IFD, Software "cam" (after GPS);
 * GPS IFD = LatitudeRef "N", Latitude 3 rationals (out of line), LongitudeRef "E".
 */
export function tiffWithGps({ little = true, gps = true } = {}) {
  const out = [...enc(little ? 'II' : 'MM'), ...u16(42, little), ...u32(8, little)];
  const entries = [[0x0112, 3, 1, [...u16(6, little), 0, 0]]];
  const ifd0Count = gps ? 3 : 2;
  const ifd0Size = 2 + 12 * ifd0Count + 4;
  const gpsAt = 8 + ifd0Size;
  const gpsSize = 2 + 12 * 3 + 4;
  const ratAt = gpsAt + gpsSize;
  if (gps) entries.push([0x8825, 4, 1, u32(gpsAt, little)]);
  entries.push([0x0131, 2, 4, [...enc('cam'), 0]]);
  out.push(...u16(entries.length, little));
  for (const [tag, type, count, value] of entries) out.push(...u16(tag, little), ...u16(type, little), ...u32(count, little), ...value);
  out.push(...u32(0, little));
  if (gps) {
    out.push(...u16(3, little));
    out.push(...u16(1, little), ...u16(2, little), ...u32(2, little), ...enc('N'), 0, 0, 0);
    out.push(...u16(2, little), ...u16(5, little), ...u32(3, little), ...u32(ratAt, little));
    out.push(...u16(3, little), ...u16(2, little), ...u32(2, little), ...enc('E'), 0, 0, 0);
    out.push(...u32(0, little));
    for (const [num, den] of [[48, 1], [51, 1], [2400, 100]]) out.push(...u32(num, little), ...u32(den, little));
  }
  return Uint8Array.from(out);
}

export const XMP_WITH_GPS =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/"' +
  ' tiff:Orientation="6" exif:GPSLatitude="48,51.4N" exif:GPSLongitude=\'2,21.0E\'>' +
  '<exif:GPSAltitude>35/1</exif:GPSAltitude><exif:GPSVersionID/>' +
  '</rdf:Description></rdf:RDF></x:xmpmeta>';

const SCAN = Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 0x7f);

function jpegSegment(marker, payload) {
  const length = payload.length + 2;
  return [0xff, marker, length >> 8, length & 255, ...payload];
}

export function jpeg({ tiff = tiffWithGps(), xmp = null } = {}) {
  const parts = [0xff, 0xd8];
  parts.push(...jpegSegment(0xe0, enc('JFIF\0\x01\x01\0\0\x01\0\x01\0\0')));
  if (tiff) parts.push(...jpegSegment(0xe1, [...enc('Exif\0\0'), ...tiff]));
  if (xmp) parts.push(...jpegSegment(0xe1, [...enc('http://ns.adobe.com/xap/1.0/\0'), ...new TextEncoder().encode(xmp)]));
  parts.push(...jpegSegment(0xda, [1, 1, 0, 0, 63, 0]), ...SCAN, 0xff, 0xd9);
  return Uint8Array.from(parts);
}

function pngChunk(type, data) {
  const body = [...enc(type), ...data];
  return [...u32(data.length, false), ...body, ...u32(crc32(Uint8Array.from(body)), false)];
}

export function png({ tiff = tiffWithGps(), xmp = null, compressedXmp = false } = {}) {
  const parts = [...enc('\x89PNG\r\n\x1a\n')];
  parts.push(...pngChunk('IHDR', [...u32(1, false), ...u32(1, false), 8, 2, 0, 0, 0]));
  if (tiff) parts.push(...pngChunk('eXIf', [...tiff]));
  if (xmp) {
    const text = [...new TextEncoder().encode(xmp)];
    parts.push(...pngChunk('iTXt', [...enc('XML:com.adobe.xmp\0'), compressedXmp ? 1 : 0, 0, 0, 0, ...text]));
  }
  parts.push(...pngChunk('IDAT', [...SCAN]), ...pngChunk('IEND', []));
  return Uint8Array.from(parts);
}

export function webp({ tiff = tiffWithGps(), xmp = null } = {}) {
  const chunks = [];
  const chunk = (type, data) => {
    chunks.push(...enc(type), ...u32(data.length, true), ...data);
    if (data.length & 1) chunks.push(0);
  };
  chunk('VP8X', [0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  chunk('VP8 ', [...SCAN, 1]);
  if (tiff) chunk('EXIF', [...tiff]);
  if (xmp) chunk('XMP ', [...new TextEncoder().encode(xmp)]);
  return Uint8Array.from([...enc('RIFF'), ...u32(chunks.length + 4, true), ...enc('WEBP'), ...chunks]);
}

export { SCAN };
