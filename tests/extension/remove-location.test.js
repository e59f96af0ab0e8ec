import assert from 'node:assert/strict';
import { test } from 'node:test';
import exifr from 'exifr';
import { CannotClean, hasLocation, removeLocation, sniffFormat } from '../../extension/src/content/attachments/remove-location.js';
import { SCAN, XMP_WITH_GPS, jpeg, png, tiffWithGps, webp } from './helpers/image-bytes.js';

const indexOf = (hay, needle) => {
  outer: for (let i = 0; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
};
const latin1 = (bytes) => new TextDecoder('latin1').decode(bytes);

test('the formats are told by their magic bytes', () => {
  assert.equal(sniffFormat(jpeg()), 'jpeg');
  assert.equal(sniffFormat(png()), 'png');
  assert.equal(sniffFormat(webp()), 'webp');
  assert.equal(sniffFormat(new TextEncoder().encode('GIF89a....')), 'gif');
  assert.equal(sniffFormat(Uint8Array.from([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic')])), 'heif');
  assert.equal(sniffFormat(new TextEncoder().encode('%PDF-1.7')), 'unknown');
});

for (const little of [true, false]) {
  test(`JPEG (${little ? 'II' : 'MM'}): the GPS IFD goes, orientation, other tags and the image data stay`, async () => {
    const original = jpeg({ tiff: tiffWithGps({ little }) });
    assert.equal(hasLocation(original), true);
    const before = await exifr.parse(original, { gps: true, tiff: true, translateValues: false });
    assert.equal(before.Orientation, 6);
    assert.deepEqual(before.GPSLatitude, [48, 51, 24], 'exifr reads the fixture position');

    const { bytes, removed } = removeLocation(original);
    assert.equal(removed, true);
    assert.equal(bytes.length, original.length, 'lossless: nothing moved');
    assert.equal(hasLocation(bytes), false);
    const after = await exifr.parse(bytes, { gps: true, tiff: true, translateValues: false });
    assert.equal(after.Orientation, 6, 'orientation untouched');
    assert.equal(after.Software, 'cam', 'the entry after GPSInfo moved up, intact');
    assert.equal(after.GPSLatitudeRef, undefined);
    assert.equal(after.GPSLatitude, undefined);
    const scanAt = indexOf(original, [0xff, 0xda]);
    assert.deepEqual(bytes.subarray(scanAt), original.subarray(scanAt), 'image data byte for byte');
    assert.deepEqual(original, jpeg({ tiff: tiffWithGps({ little }) }), 'the input is not modified');
  });
}

test('JPEG XMP: GPS attributes and elements are blanked, the rest of the packet stays', () => {
  const original = jpeg({ tiff: tiffWithGps({ gps: false }), xmp: XMP_WITH_GPS });
  assert.equal(hasLocation(original), true);
  const { bytes, removed } = removeLocation(original);
  assert.equal(removed, true);
  assert.equal(bytes.length, original.length);
  const text = latin1(bytes);
  assert.doesNotMatch(text, /GPS/);
  assert.doesNotMatch(text, /48,51/);
  assert.match(text, /tiff:Orientation="6"/);
  assert.match(text, /<\/rdf:Description><\/rdf:RDF><\/x:xmpmeta>/);
});

test('a JPEG without a position: nothing removed, bytes identical', () => {
  const original = jpeg({ tiff: tiffWithGps({ gps: false }) });
  assert.equal(hasLocation(original), false);
  const { bytes, removed } = removeLocation(original);
  assert.equal(removed, false);
  assert.deepEqual(bytes, original);
});

test('PNG eXIf and iTXt XMP: cleaned in place with valid CRCs', async () => {
  const original = png({ xmp: XMP_WITH_GPS });
  assert.equal(hasLocation(original), true);
  const { bytes, removed } = removeLocation(original);
  assert.equal(removed, true);
  assert.equal(bytes.length, original.length);
  assert.equal(hasLocation(bytes), false);
  assert.doesNotMatch(latin1(bytes), /GPS/);
  const { crc32 } = await import('../../extension/src/content/attachments/remove-location.js');
  // Every chunk's CRC still matches its type + data.
  const view = new DataView(bytes.buffer);
  for (let at = 8; at < bytes.length;) {
    const length = view.getUint32(at);
    assert.equal(view.getUint32(at + 8 + length), crc32(bytes.subarray(at + 4, at + 8 + length)));
    at += 12 + length;
  }
  assert.equal(indexOf(bytes, SCAN), indexOf(original, SCAN), 'IDAT untouched');
});

test('PNG with compressed XMP: says it cannot clean, never half cleans', () => {
  const original = png({ tiff: null, xmp: XMP_WITH_GPS, compressedXmp: true });
  assert.throws(() => removeLocation(original), CannotClean);
});

test('WebP EXIF and XMP chunks: cleaned in place, RIFF size still right', () => {
  const original = webp({ xmp: XMP_WITH_GPS });
  assert.equal(hasLocation(original), true);
  const { bytes, removed } = removeLocation(original);
  assert.equal(removed, true);
  assert.equal(hasLocation(bytes), false);
  assert.equal(new DataView(bytes.buffer).getUint32(4, true), bytes.length - 8);
  assert.doesNotMatch(latin1(bytes), /GPS/);
});

test('HEIC and unknown files: CannotClean with a fixed message', () => {
  const heic = Uint8Array.from([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic'), 0, 0, 0, 0]);
  assert.throws(() => removeLocation(heic), (err) => err instanceof CannotClean && /HEIF/.test(err.reason));
});

test('a damaged EXIF (GPS pointer out of bounds) is refused, not half cleaned', () => {
  const tiff = tiffWithGps();
  // Point GPSInfo past the end of the block.
  const view = new DataView(tiff.buffer);
  view.setUint32(8 + 2 + 12 + 8, 10_000, true);
  assert.throws(() => removeLocation(jpeg({ tiff })), CannotClean);
});
