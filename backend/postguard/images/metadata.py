"""Personal metadata in an image: GPS position (EXIF GPS, XMP, drone XMP), place
names (IPTC and XMP), device serial numbers and owner names.

Previews never show a value in full: a position is "GPS position •••" with how
precise it is, names and serials go through the engine's masked_preview.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator
from fractions import Fraction

from PIL import Image
from PIL import IptcImagePlugin

from ..engine.mask import masked_preview
from .findings import DEVICE_SERIAL
from .findings import GPS_LOCATION
from .findings import OWNER_NAME
from .findings import ImageRule
from .findings import rule_finding

GPS_IFD, EXIF_IFD = 0x8825, 0x8769
ARTIST, DNG_CAMERA_SERIAL = 0x013B, 0xC62F
OWNER_TAG, BODY_SERIAL, LENS_SERIAL = 0xA430, 0xA431, 0xA435
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON, GPS_ERROR = 1, 2, 3, 4, 0x1F

# Metres per unit of a degrees-minutes-seconds triple (north-south).
_UNIT_METRES = (111_320.0, 1_855.3, 30.92)
_XMP_OWNER = ("dc:creator", "aux:OwnerName", "exifEX:CameraOwnerName")
_XMP_SERIAL = (
    "aux:SerialNumber",
    "aux:LensSerialNumber",
    "exifEX:BodySerialNumber",
    "exifEX:LensSerialNumber",
)
_XMP_PLACE = ("Iptc4xmpCore:Location", "photoshop:City", "Iptc4xmpExt:Sublocation")
_IPTC_BYLINE, _IPTC_CITY, _IPTC_SUBLOCATION = (2, 80), (2, 90), (2, 92)
# Values cameras write when nobody set one.
_PLACEHOLDER = re.compile(r"(?i)^(?:|[\s0\-_.]*|unknown|none|n/?a|null|default)$")
WHERE = {
    GPS_LOCATION.id: "location in the photo's metadata",
    DEVICE_SERIAL.id: "serial number in the photo's metadata",
    OWNER_NAME.id: "owner's name in the photo's metadata",
}


def read(image: Image.Image, policy_base: str = "") -> tuple[list[dict], bool]:
    """Findings from the image's metadata, and whether it carries a location."""
    findings = []
    location = False
    exif = image.getexif()
    xmp = xmp_text(image)
    gps = exif_position(exif)
    if gps is None:
        gps = xmp_position(xmp)
    if gps is not None:
        location = True
        words = precision_words(gps[2])
        findings.append(
            _finding(GPS_LOCATION, f"GPS position •••, {words}", gps, policy_base)
        )
    for place in _place_names(image, xmp):
        location = True
        findings.append(_finding(GPS_LOCATION, "place name •••", place, policy_base))
    for serial in _serials(exif, xmp):
        findings.append(
            _finding(DEVICE_SERIAL, masked_preview(serial), serial, policy_base)
        )
    for owner in _owners(image, exif, xmp):
        findings.append(_finding(OWNER_NAME, masked_preview(owner), owner, policy_base))
    return findings, location


def _finding(rule: ImageRule, preview: str, value, policy_base: str) -> dict:
    return rule_finding(
        rule,
        preview=preview,
        source="metadata",
        where=WHERE[rule.id],
        value=str(value),
        policy_base=policy_base,
    )


def _text(value) -> str | None:
    if isinstance(value, bytes):
        value = value.rstrip(b"\x00").decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = " ".join(value.replace("\x00", " ").split())
    return None if _PLACEHOLDER.match(value) else value


def _unique(values) -> Iterator[str]:
    seen = set()
    for raw in values:
        value = _text(raw)
        if value is not None and value.casefold() not in seen:
            seen.add(value.casefold())
            yield value


# ---- GPS ----------------------------------------------------------------------


def _rational(value) -> Fraction | None:
    try:
        if isinstance(value, tuple) and len(value) == 2:  # (numerator, denominator)
            return Fraction(int(value[0]), int(value[1]))
        numerator = getattr(value, "numerator", None)
        denominator = getattr(value, "denominator", None)
        if numerator is None or not denominator:
            return None
        return Fraction(int(numerator), int(denominator))
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _dms(value) -> tuple[float, float] | None:
    """Degrees from a degrees-minutes-seconds triple, and its resolution in
    metres (the finest unit given, divided by its denominator)."""
    if not isinstance(value, tuple) or not 1 <= len(value) <= 3:
        return None
    parts = [_rational(part) for part in value]
    if any(part is None or part < 0 for part in parts):
        return None
    degrees = float(sum(p / 60**i for i, p in enumerate(parts)))  # type: ignore[operator]
    # The denominator as written (45/1 seconds is coarser than 4500/100).
    written = getattr(value[-1], "denominator", None)
    if isinstance(value[-1], tuple):
        written = value[-1][1]
    try:
        denominator = max(1, int(written or 1))
    except (TypeError, ValueError):
        denominator = 1
    return degrees, _UNIT_METRES[len(parts) - 1] / denominator


def exif_position(exif: Image.Exif) -> tuple[float, float, float] | None:
    """(latitude, longitude, precision in metres) from the EXIF GPS IFD."""
    try:
        gps = exif.get_ifd(GPS_IFD)
    except (KeyError, TypeError, ValueError, OSError):
        return None
    lat, lon = _dms(gps.get(GPS_LAT)), _dms(gps.get(GPS_LON))
    if lat is None or lon is None or (lat[0] == 0 and lon[0] == 0):
        return None  # no fix: cameras write an empty or zero GPS block
    if lat[0] > 90 or lon[0] > 180:
        return None
    sign_lat = -1 if str(gps.get(GPS_LAT_REF, "N")).upper().startswith("S") else 1
    sign_lon = -1 if str(gps.get(GPS_LON_REF, "E")).upper().startswith("W") else 1
    precision = max(lat[1], lon[1])
    error = _rational(gps.get(GPS_ERROR))
    if error is not None and error > 0:
        precision = float(error)
    return sign_lat * lat[0], sign_lon * lon[0], precision


def precision_words(metres: float) -> str:
    """How precise a position is, in words: never the position itself."""
    if metres < 3:
        return "to within a few metres"
    scale = 10 ** round(math.log10(metres))
    if scale < 1000:
        return f"to about {scale} m"
    return f"to about {scale // 1000:,} km"


# ---- XMP ----------------------------------------------------------------------


def xmp_text(image: Image.Image) -> str:
    raw = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if raw is None and hasattr(image, "tag_v2"):  # TIFF keeps XMP in tag 700
        raw = image.tag_v2.get(700)
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")
    return raw if isinstance(raw, str) else ""


def xmp_values(xmp: str, name: str) -> list[str]:
    """The values of a property, in attribute form (``name="v"``), element form
    (``<name>v</name>``) or as an rdf:Seq/Bag/Alt list."""
    if name not in xmp:
        return []
    quoted = re.escape(name)
    values = re.findall(rf'{quoted}\s*=\s*"([^"]*)"', xmp)
    values += re.findall(rf"{quoted}\s*=\s*'([^']*)'", xmp)
    for body in re.findall(rf"<{quoted}(?:\s[^>]*)?>(.*?)</{quoted}\s*>", xmp, re.S):
        items = re.findall(r"<rdf:li(?:\s[^>]*)?>(.*?)</rdf:li\s*>", body, re.S)
        values += items if items else [body]
    return [html.unescape(v).strip() for v in values if "<" not in v]


_XMP_COORD = re.compile(
    r"^\s*(\d{1,3})(?:,(\d{1,2}(?:\.\d+)?))?(?:,(\d{1,2}(?:\.\d+)?))?([NSEW])\s*$"
)


def _xmp_coordinate(raw: str) -> tuple[float, float] | None:
    """XMP's "DDD,MM,SSk" or "DDD,MM.mmk" (or a drone's signed decimal degrees)."""
    match = _XMP_COORD.match(raw.upper())
    if match:
        parts = [p for p in match.group(1, 2, 3) if p is not None]
        value = sum(float(p) / 60**i for i, p in enumerate(parts))
        decimals = len(parts[-1].partition(".")[2])
        resolution = _UNIT_METRES[len(parts) - 1] / 10**decimals
        return (-value if match.group(4) in "SW" else value), resolution
    try:
        value = float(raw)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    decimals = len(raw.strip().partition(".")[2])
    return value, _UNIT_METRES[0] / 10**decimals


def xmp_position(xmp: str) -> tuple[float, float, float] | None:
    pairs = (
        ("exif:GPSLatitude", "exif:GPSLongitude"),
        ("exifEX:GPSLatitude", "exifEX:GPSLongitude"),
        ("drone-dji:GpsLatitude", "drone-dji:GpsLongitude"),
        ("drone-dji:Latitude", "drone-dji:Longitude"),
    )
    for lat_name, lon_name in pairs:
        lats, lons = xmp_values(xmp, lat_name), xmp_values(xmp, lon_name)
        for lat_raw, lon_raw in zip(lats, lons, strict=False):
            lat, lon = _xmp_coordinate(lat_raw), _xmp_coordinate(lon_raw)
            if lat is None or lon is None or (lat[0] == 0 and lon[0] == 0):
                continue
            if abs(lat[0]) > 90 or abs(lon[0]) > 180:
                continue
            return lat[0], lon[0], max(lat[1], lon[1])
    return None


# ---- IPTC, names and serials --------------------------------------------------


def _iptc(image: Image.Image) -> dict:
    try:
        info = IptcImagePlugin.getiptcinfo(image)
    except (OSError, SyntaxError, ValueError, TypeError, IndexError):
        return {}
    return info if isinstance(info, dict) else {}


def _iptc_values(iptc: dict, key: tuple[int, int]) -> list:
    value = iptc.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _place_names(image: Image.Image, xmp: str) -> Iterator[str]:
    iptc = _iptc(image)
    found = [
        *_iptc_values(iptc, _IPTC_SUBLOCATION),
        *_iptc_values(iptc, _IPTC_CITY),
        *(v for name in _XMP_PLACE for v in xmp_values(xmp, name)),
    ]
    return _unique(found)


def _serials(exif: Image.Exif, xmp: str) -> Iterator[str]:
    try:
        exif_ifd = exif.get_ifd(EXIF_IFD)
    except (KeyError, TypeError, ValueError, OSError):
        exif_ifd = {}
    found = [
        exif_ifd.get(BODY_SERIAL),
        exif_ifd.get(LENS_SERIAL),
        exif.get(DNG_CAMERA_SERIAL),
        *(v for name in _XMP_SERIAL for v in xmp_values(xmp, name)),
    ]
    return _unique(found)


def _owners(image: Image.Image, exif: Image.Exif, xmp: str) -> Iterator[str]:
    try:
        exif_ifd = exif.get_ifd(EXIF_IFD)
    except (KeyError, TypeError, ValueError, OSError):
        exif_ifd = {}
    found = [
        exif_ifd.get(OWNER_TAG),
        exif.get(ARTIST),
        *_iptc_values(_iptc(image), _IPTC_BYLINE),
        *(v for name in _XMP_OWNER for v in xmp_values(xmp, name)),
    ]
    return _unique(found)
