#!/usr/bin/env python3
"""Accuracy of the image checks on a generated set of pictures.

    python scripts/evaluate_images.py [--count 240] [--seed 1] [--json]

Half of the set carries one leak each, of several kinds: a value drawn as text
(a card number, an AWS key id, an IBAN, an email address) in varied fonts, sizes,
colours, light and dark themes, JPEG compression and slight rotation; a GPS
position in EXIF; a Wi-Fi, TOTP, boarding-pass or payment code. The other half
is what people attach without a leak: photos, screenshots of prices, order and
tracking numbers, versions and dates, codes holding a plain link or a product
number, EXIF with a camera model but no position, an open Wi-Fi network.

A leak counts as found when the analysis reports a finding of its expected type.
A clean picture counts as a false positive when anything is reported. Values are
random and valid (checksums hold); nothing from the pictures is printed.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import string
import sys
import time
from collections import Counter
from collections import defaultdict
from pathlib import Path

import zxingcpp
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFilter
from PIL import ImageFont

from postguard.engine import Engine
from postguard.images import analyze_image
from postguard.images import ocr_status
from postguard.paragraph_cache import DraftScanner

FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts/TTF"))
SANS_NAMES = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "DejaVuSansMono.ttf")
BUDGET_MS = 60_000  # accuracy, not speed: the benchmark measures time


def system_fonts() -> list[Path]:
    found = []
    for root in FONT_DIRS:
        if root.is_dir():
            found += [p for name in SANS_NAMES for p in root.rglob(name)]
    return found


class Drawer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.fonts = system_fonts()

    def font(self, size: int):
        choice = self.rng.randrange(len(self.fonts) + 1)
        if choice == len(self.fonts):
            return ImageFont.load_default(size=size)
        return ImageFont.truetype(str(self.fonts[choice]), size)

    def photo(self, size: tuple[int, int]) -> Image.Image:
        rng = self.rng
        small = (max(1, size[0] // 8), max(1, size[1] // 8))
        noise = Image.frombytes("L", small, rng.randbytes(small[0] * small[1]))
        noise = noise.resize(size, Image.Resampling.BICUBIC)
        tint = [Image.new("L", size, rng.randrange(60, 200)) for _ in range(3)]
        image = Image.merge("RGB", [Image.blend(t, noise, 0.4) for t in tint])
        draw = ImageDraw.Draw(image)
        for _ in range(rng.randrange(4, 14)):
            x, y = rng.randrange(size[0]), rng.randrange(size[1])
            r = rng.randrange(4, max(5, size[0] // 5))
            shade = tuple(rng.randrange(30, 230) for _ in range(3))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=shade)
        return image.filter(ImageFilter.GaussianBlur(2))

    def screenshot(self, lines: list[str]) -> bytes:
        rng = self.rng
        dark = rng.random() < 0.3
        bg, fg = ("#1e1f22", "#e8e8e8") if dark else ("#ffffff", "#1f1f1f")
        if not dark and rng.random() < 0.3:
            bg, fg = "#f4f6fb", "#283593"
        size = rng.choice([18, 20, 22, 24, 28, 32, 36])
        font = self.font(size)
        width = rng.choice([900, 1080, 1280])
        image = Image.new("RGB", (width, 140 + len(lines) * size * 2), bg)
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, width, 48), fill="#3c4043" if not dark else "#111214")
        draw.text((20, 12), "Messages", font=self.font(22), fill="white")
        y = 80
        for line in lines:
            draw.text((40, y), line, font=font, fill=fg)
            y += size * 2
        angle = rng.choice([0, 0, 0, 1.5, -1.5])
        if angle:
            image = image.rotate(angle, expand=True, fillcolor=bg)
        if rng.random() < 0.4:
            return encode(image, "JPEG", quality=rng.choice([70, 85, 95]))
        return encode(image, "PNG")

    def code(self, payload: str, fmt) -> bytes:
        drawn = zxingcpp.create_barcode(payload, fmt).to_image(
            scale=self.rng.choice([3, 4, 6])
        )
        height, width = drawn.shape[:2]
        code = Image.frombuffer("L", (width, height), bytes(memoryview(drawn)))
        canvas = self.photo((width + 240, height + 240)).convert("RGB")
        ImageDraw.Draw(canvas).rectangle(
            (100, 100, width + 140, height + 140), fill="white"
        )
        canvas.paste(code, (120, 120))
        return encode(canvas, "PNG")

    def jpeg(self, exif: Image.Exif) -> bytes:
        size = self.rng.choice([(800, 600), (1600, 1200), (1200, 1600)])
        return encode(self.photo(size), "JPEG", quality=85, exif=exif)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


# ---- random valid values --------------------------------------------------------


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(
        rng.choice(string.digits) for _ in range(length - 1 - len(prefix))
    )
    total = 0
    for i, digit in enumerate(reversed(body)):
        d = int(digit) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def card(rng: random.Random) -> str:
    prefix, length = rng.choice([("4", 16), ("51", 16), ("55", 16), ("37", 15)])
    digits = luhn_complete(prefix, length, rng)
    if length == 15:
        return f"{digits[:4]} {digits[4:10]} {digits[10:]}"
    sep = rng.choice([" ", "-", " "])
    return sep.join(digits[i : i + 4] for i in range(0, 16, 4))


def iban(rng: random.Random) -> str:
    country, bban_len = rng.choice([("DE", 18), ("GB", 18), ("FR", 23), ("NL", 14)])
    if country == "GB":
        bban = "".join(rng.choice(string.ascii_uppercase) for _ in range(4))
        bban += "".join(rng.choice(string.digits) for _ in range(14))
    elif country == "NL":
        bban = "".join(rng.choice(string.ascii_uppercase) for _ in range(4))
        bban += "".join(rng.choice(string.digits) for _ in range(10))
    else:
        bban = "".join(rng.choice(string.digits) for _ in range(bban_len))
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    value = f"{country}{check:02d}{bban}"
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def aws_key(rng: random.Random) -> str:
    return "AKIA" + "".join(
        rng.choice(string.ascii_uppercase + "234567") for _ in range(16)
    )


def email(rng: random.Random) -> str:
    name = rng.choice(["maria.lopez", "j.okafor", "wei.zhang", "sam_p", "anna.k"])
    domain = rng.choice(["gmail.com", "outlook.de", "acme-mail.co.uk"])
    return f"{name}{rng.randrange(10, 99)}@{domain}"


def base32(rng: random.Random, length: int = 32) -> str:
    return "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(length))


def bcbp(rng: random.Random) -> str:
    name = rng.choice(["MUELLER/ANNA", "SMITH/JOHN", "DUPONT/CLAIRE", "ROSSI/MARCO"])
    pnr = "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(6))
    route = rng.choice(["LHRJFK", "FRAYUL", "CDGMAD", "AMSSIN"])
    flight = f"{rng.randrange(1, 9999):04d} "
    seat = f"{rng.randrange(1, 60):03d}{rng.choice('ABCDEF')}"
    return (
        f"M1{name:<20}E{pnr:<7}{route}{rng.choice(['BA ', 'LH ', 'AF ', 'KL '])}"
        f"{flight}{rng.randrange(1, 366):03d}Y{seat}{rng.randrange(1, 300):04d} 100"
    )


def gps(rng: random.Random) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Acme", rng.choice(["Phone 12", "Cam X"])
    info = exif.get_ifd(0x8825)
    lat = (float(rng.randrange(0, 80)), float(rng.randrange(60)), rng.random() * 60)
    lon = (float(rng.randrange(0, 179)), float(rng.randrange(60)), rng.random() * 60)
    info[1], info[2] = rng.choice("NS"), lat
    info[3], info[4] = rng.choice("EW"), lon
    return exif


# ---- the set --------------------------------------------------------------------

TEXT_LEADS = {
    "card": ("CREDIT_CARD", card, ["card {}", "Card number: {}", "pls refund {} thx"]),
    "aws": (
        "SECRET",
        aws_key,
        ["AWS_ACCESS_KEY_ID={}", "key {}", "export AWS_ACCESS_KEY_ID={}"],
    ),
    "iban": ("IBAN", iban, ["IBAN {}", "pay to {}", "Bank: {}"]),
    "email": ("EMAIL", email, ["mail me at {}", "Contact: {}", "{}"]),
}
CLEAN_LINES = [
    "Total: $1,299.00 incl. VAT",
    "Order 112-4938571-2293045 shipped",
    "Tracking 1Z 999 AA1 01 2345 6784",
    "Release v2.14.3 is out!",
    "Meeting moved to 14:30 on 12/03/2026",
    "Build 4f9c2d1 passed in 3m 12s",
    "Room 4.12, level 3",
    "Score: 3 - 1 after 90+4",
    "Call the front desk: ext. 220",
    "Flight LH 400 departs gate B44",
]


def positive(kind: str, rng: random.Random, draw: Drawer) -> tuple[bytes, str]:
    if kind in TEXT_LEADS:
        expected, make, forms = TEXT_LEADS[kind]
        lines = [rng.choice(CLEAN_LINES), rng.choice(forms).format(make(rng))]
        rng.shuffle(lines)
        return draw.screenshot(lines), expected
    if kind == "gps":
        return draw.jpeg(gps(rng)), "GPS_LOCATION"
    if kind == "wifi":
        password = base32(rng, rng.randrange(8, 16)).title() + "!"
        payload = f"WIFI:T:WPA;S:guest-{rng.randrange(99)};P:{password};;"
        return draw.code(payload, zxingcpp.BarcodeFormat.QRCode), "PASSWORD"
    if kind == "totp":
        payload = f"otpauth://totp/Acme:user{rng.randrange(999)}?secret={base32(rng)}&issuer=Acme"
        return draw.code(payload, zxingcpp.BarcodeFormat.QRCode), "TOTP_SECRET"
    if kind == "boarding":
        fmt = rng.choice([zxingcpp.BarcodeFormat.PDF417, zxingcpp.BarcodeFormat.Aztec])
        return draw.code(bcbp(rng), fmt), "BOARDING_PASS"
    if kind == "payment":
        account = iban(rng).replace(" ", "")
        amount = f"EUR{rng.randrange(1, 500)}.00"
        payload = f"BCD\n002\n1\nSCT\n\nAcme Shop\n{account}\n{amount}\n\n\nInvoice"
        return draw.code(payload, zxingcpp.BarcodeFormat.QRCode), "IBAN"
    raise ValueError(kind)


def clean(kind: str, rng: random.Random, draw: Drawer) -> bytes:
    if kind == "photo":
        return draw.jpeg(Image.Exif())
    if kind == "exif-no-gps":
        exif = Image.Exif()
        exif[0x010F], exif[0x0110] = "Acme", "Phone 12"
        return draw.jpeg(exif)
    if kind == "screenshot":
        return draw.screenshot(rng.sample(CLEAN_LINES, 3))
    if kind == "url-qr":
        payload = rng.choice(["https://example.com/menu", "https://www.wikipedia.org/"])
        return draw.code(payload, zxingcpp.BarcodeFormat.QRCode)
    if kind == "product-code":
        ean = luhn_free_ean(rng)
        return draw.code(ean, zxingcpp.BarcodeFormat.EAN13)
    if kind == "open-wifi":
        payload = f"WIFI:T:nopass;S:cafe-{rng.randrange(99)};;"
        return draw.code(payload, zxingcpp.BarcodeFormat.QRCode)
    raise ValueError(kind)


def luhn_free_ean(rng: random.Random) -> str:
    body = "400" + "".join(rng.choice(string.digits) for _ in range(9))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


POSITIVE_KINDS = (
    "card",
    "aws",
    "iban",
    "email",
    "gps",
    "wifi",
    "totp",
    "boarding",
    "payment",
)
CLEAN_KINDS = (
    "photo",
    "exif-no-gps",
    "screenshot",
    "url-qr",
    "product-code",
    "open-wifi",
)


def evaluate(count: int, seed: int) -> dict:
    rng = random.Random(seed)
    draw = Drawer(rng)
    scanner = DraftScanner(Engine.load())
    found, total = Counter(), Counter()
    flagged, clean_total, flagged_types = Counter(), Counter(), Counter()
    incomplete, elapsed = 0, defaultdict(list)
    for i in range(count):
        is_positive = i % 2 == 0
        kinds = POSITIVE_KINDS if is_positive else CLEAN_KINDS
        kind = kinds[(i // 2) % len(kinds)]
        if is_positive:
            data, expected = positive(kind, rng, draw)
        else:
            data, expected = clean(kind, rng, draw), None
        started = time.perf_counter()
        analysis = analyze_image(data, scanner, budget_ms=BUDGET_MS)
        elapsed[kind].append((time.perf_counter() - started) * 1000)
        incomplete += not analysis.complete
        types = {f["type"] for f in analysis.findings}
        if is_positive:
            total[kind] += 1
            found[kind] += expected in types
        else:
            clean_total[kind] += 1
            flagged[kind] += bool(types)
            flagged_types.update(types)
    positives, negatives = sum(total.values()), sum(clean_total.values())
    return {
        "images": count,
        "seed": seed,
        "ocr": ocr_status().get("engine"),
        "fonts": len(draw.fonts) + 1,
        "recall": round(sum(found.values()) / positives, 4),
        "recall_by_kind": {k: f"{found[k]}/{total[k]}" for k in POSITIVE_KINDS},
        "false_positive_rate": round(sum(flagged.values()) / negatives, 4),
        "flagged_by_kind": {k: f"{flagged[k]}/{clean_total[k]}" for k in CLEAN_KINDS},
        "false_positive_types": dict(flagged_types),
        "incomplete": incomplete,
        "median_ms_by_kind": {
            k: round(statistics.median(v), 1) for k, v in sorted(elapsed.items())
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=240)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not ocr_status()["available"]:
        print(
            "Tesseract is not installed: text in images cannot be evaluated.",
            file=sys.stderr,
        )
        return 2
    report = evaluate(args.count, args.seed)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    r = report
    print(f"{r['images']} images (seed {r['seed']}), {r['ocr']}, {r['fonts']} fonts")
    print(
        f"recall {r['recall']:.1%}, false positives {r['false_positive_rate']:.1%},"
        f" incomplete {r['incomplete']}"
    )
    print("| kind | found | median ms |")
    print("|---|---|---|")
    for kind, share in report["recall_by_kind"].items():
        print(f"| {kind} | {share} | {report['median_ms_by_kind'][kind]} |")
    print("| clean kind | flagged | median ms |")
    print("|---|---|---|")
    for kind, share in report["flagged_by_kind"].items():
        print(f"| {kind} | {share} | {report['median_ms_by_kind'][kind]} |")
    if report["false_positive_types"]:
        print("false positive types:", report["false_positive_types"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
