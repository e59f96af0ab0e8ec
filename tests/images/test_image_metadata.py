"""Personal metadata: GPS (EXIF and XMP), place names, serials, owners; previews
that never show a coordinate or a whole name."""

import pytest
from image_fixtures import encode
from image_fixtures import gps_exif
from image_fixtures import heic_with_gps
from image_fixtures import photo
from PIL import Image

from postguard.images import analyze_image
from postguard.images import metadata
from postguard.images.load import open_image


def read(data: bytes):
    return metadata.read(open_image(data).image)


def jpeg(exif=None, **options) -> bytes:
    exif = Image.Exif() if exif is None else exif
    return encode(photo((96, 64)), "JPEG", exif=exif, **options)


def by_type(findings):
    return {f["type"]: f for f in findings}


def test_exif_gps_is_a_location_with_a_masked_preview():
    found, location = read(jpeg(gps_exif()))
    assert location is True
    gps = by_type(found)["GPS_LOCATION"]
    assert gps["rule_id"] == "image.gps-location"
    assert (gps["category"], gps["severity"]) == ("pii", "medium")
    assert gps["preview"] == "GPS position •••, to about 10 m"
    assert gps["source"] == "metadata" and gps["box"] is None
    assert not any(ch.isdigit() for ch in gps["preview"].replace("10 m", ""))


@pytest.mark.parametrize(
    ("lat", "lon", "refs", "expected"),
    [
        ((33, 51, 54.5), (151, 12, 35.6), ("S", "E"), (-33.865, 151.21)),
        ((40, 42, 46), (74, 0, 21), ("N", "W"), (40.713, -74.006)),
    ],
)
def test_the_hemisphere_refs_are_read(lat, lon, refs, expected):
    image = open_image(jpeg(gps_exif(lat, lon, refs))).image
    position = metadata.exif_position(image.getexif())
    assert position is not None
    assert position[0] == pytest.approx(expected[0], abs=1e-3)
    assert position[1] == pytest.approx(expected[1], abs=1e-3)


def test_an_empty_gps_block_is_no_location():
    # Cameras without a fix write zeros; that is not a place.
    found, location = read(jpeg(gps_exif((0, 0, 0), (0, 0, 0))))
    assert location is False and found == []


def test_a_photo_without_metadata_has_no_finding():
    assert read(jpeg()) == ([], False)


@pytest.mark.parametrize(
    ("metres", "words"),
    [
        (0.3, "to within a few metres"),
        (12, "to about 10 m"),
        (31, "to about 10 m"),
        (120, "to about 100 m"),
        (1_855, "to about 1 km"),
        (111_320, "to about 100 km"),
    ],
)
def test_precision_in_words(metres, words):
    assert metadata.precision_words(metres) == words


def test_serials_and_owner_names_are_found_and_masked():
    exif = Image.Exif()
    exif[0x013B] = "Jane Q. Photographer"  # Artist
    ifd = exif.get_ifd(0x8769)
    ifd[0xA430] = "Jane Q. Photographer"  # CameraOwnerName: the same person
    ifd[0xA431] = "SN-0042-7781"  # BodySerialNumber
    ifd[0xA435] = "0000000000"  # a placeholder lens serial: not a serial
    found, location = read(jpeg(exif))
    assert location is False
    kinds = sorted(f["type"] for f in found)
    assert kinds == ["DEVICE_SERIAL", "OWNER_NAME"]
    serial, owner = by_type(found)["DEVICE_SERIAL"], by_type(found)["OWNER_NAME"]
    assert serial["preview"] == "•••• 81" and "0042" not in serial["preview"]
    assert owner["preview"].startswith("••••") and "Jane" not in owner["preview"]


XMP = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
 exif:GPSLatitude="51,30.123N" photoshop:City="Lyon">
<exif:GPSLongitude>0,7.456W</exif:GPSLongitude>
<dc:creator><rdf:Seq><rdf:li>Sam Example</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def test_xmp_gps_in_attribute_and_element_form():
    position = metadata.xmp_position(XMP)
    assert position is not None
    assert position[0] == pytest.approx(51.50205, abs=1e-4)
    assert position[1] == pytest.approx(-0.12427, abs=1e-4)
    assert metadata.precision_words(position[2]) == "to within a few metres"


def test_xmp_in_a_png_gives_location_place_and_creator():
    data = encode(photo((96, 64)), "PNG", pnginfo=_png_xmp(XMP))
    found, location = read(data)
    assert location is True
    previews = sorted(f["preview"] for f in found if f["type"] == "GPS_LOCATION")
    assert previews == ["GPS position •••, to within a few metres", "place name •••"]
    assert by_type(found)["OWNER_NAME"]["preview"].startswith("••••")


def _png_xmp(xmp: str):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp)
    return info


def test_a_drone_writes_decimal_degrees():
    xmp = (
        '<rdf:Description drone-dji:GpsLatitude="46.7712" '
        'drone-dji:GpsLongitude="-8.3012"/>'
    )
    position = metadata.xmp_position(xmp)
    assert position is not None and position[:2] == (46.7712, -8.3012)


def test_heic_gps_is_found(scanner):
    analysis = analyze_image(heic_with_gps(), scanner, ocr=False)
    assert analysis.format == "heif" and analysis.location is True
    assert [f["type"] for f in analysis.findings] == ["GPS_LOCATION"]
