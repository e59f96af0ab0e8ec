"""What a barcode's text is: boarding passes, Wi-Fi logins, authenticator
enrolments and payment requests; and what is none of them."""

import pytest
from image_fixtures import BCBP
from image_fixtures import EPC
from image_fixtures import OTPAUTH
from image_fixtures import WIFI
from image_fixtures import bcbp as make_bcbp

from postguard.images import bcbp
from postguard.images import payloads


def rule_ids(payload: str) -> list[str]:
    return [m.rule.id for m in payloads.classify(payload)[1]]


@pytest.mark.parametrize(
    ("payload", "password"),
    [
        (WIFI, "Summer2026!"),
        # Any field order; the password last without a closing ;;.
        ("WIFI:S:office;P:Summer2026!;T:WPA", "Summer2026!"),
        # Escaped ; , : and \ belong to the password.
        (r"WIFI:T:WPA;S:cafe;P:a\;b\,c\:d\\e;;", "a;b,c:d\\e"),
        # The scheme is case-insensitive; WEP is still a password.
        ("wifi:T:WEP;S:old;P:0123456789;H:true;;", "0123456789"),
    ],
)
def test_wifi_passwords(payload, password):
    [match] = payloads.classify(payload)[1]
    assert match.rule.id == "image.wifi-password" and match.rule.type == "PASSWORD"
    assert match.value == password
    assert password not in match.preview


@pytest.mark.parametrize(
    "payload",
    [
        "WIFI:T:nopass;S:guest;;",  # an open network
        "WIFI:T:nopass;S:guest;P:ignored;;",
        "WIFI:S:guest;;",  # no password field
        "WIFI:T:WPA;S:guest;P:;;",  # an empty one
    ],
)
def test_open_networks_are_no_finding(payload):
    assert payloads.classify(payload) == ("Wi-Fi login", [])


def test_totp_enrolment():
    [match] = payloads.classify(OTPAUTH)[1]
    assert match.rule.id == "image.totp-secret" and match.rule.severity == "critical"
    assert match.value == "JBSWY3DPEHPK3PXP"
    assert OTPAUTH[match.start : match.end] == "JBSWY3DPEHPK3PXP"
    assert match.preview == "•••• 3PXP"


def test_hotp_counts_and_an_otpauth_link_without_secret_does_not():
    assert rule_ids("otpauth://hotp/X:y?secret=GEZDGNBVGY3TQOJQ&counter=1") == [
        "image.totp-secret"
    ]
    assert rule_ids("otpauth://totp/X:y?issuer=X") == []


def test_a_boarding_pass_says_what_it_reveals_without_values():
    kind, [match] = payloads.classify(BCBP)
    assert kind == "boarding pass" and match.rule.id == "image.boarding-pass"
    assert match.preview == (
        "boarding pass: name, booking reference, flight, seat, frequent-flyer number"
    )
    assert "DESMARAIS" not in match.preview and "ABC123" not in match.preview


def test_bcbp_fields():
    parsed = bcbp.parse(BCBP)
    assert parsed is not None and parsed.name == "DESMARAIS/LUC"
    [leg] = parsed.legs
    assert (leg.booking_reference, leg.origin, leg.destination) == (
        "ABC123",
        "YUL",
        "FRA",
    )
    assert (leg.carrier, leg.flight, leg.seat) == ("AC", "0834", "001A")
    assert leg.frequent_flyer == "1234567890"


def test_bcbp_without_conditional_sections_and_with_two_legs():
    minimal = "M1DESMARAIS/LUC       EABC123 YULFRAAC 0834 226F001A0025 100"
    parsed = bcbp.parse(minimal)
    assert parsed is not None and parsed.legs[0].frequent_flyer == ""
    assert "frequent-flyer number" not in parsed.reveals()
    second = "DEF456 FRAGVALH 3664 227C012C0002 100"
    two = minimal.replace("M1", "M2", 1) + second
    assert [leg.destination for leg in bcbp.parse(two).legs] == ["FRA", "GVA"]


@pytest.mark.parametrize(
    "payload",
    [
        "M1 not a boarding pass at all, just a long line of text that starts with M1",
        make_bcbp().replace("YULFRA", "yulfra"),  # airports are upper case
        "M1DESMARAIS LUC       EABC123 YULFRAAC 0834 226F001A0025 100",  # no /
        "https://example.com/M1DESMARAIS/LUC",
    ],
)
def test_not_boarding_passes(payload):
    assert bcbp.parse(payload) is None


@pytest.mark.parametrize(
    ("payload", "account"),
    [
        (EPC, "DE33100205000001194700"),
        (
            "SPC\n0200\n1\nCH4431999123000889012\nS\nRobert Schneider AG\n",
            "CH4431999123000889012",
        ),
        ("upi://pay?pa=jane.doe@okbank&pn=Jane&am=10", "jane.doe@okbank"),
        ("bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0.1", None),
        (
            "000201010212" + "26290012com.example01091234567895204599953039785802FR"
            "5910ACME SHOP6005PARIS6304ABCD",
            None,
        ),
    ],
)
def test_payment_requests(payload, account):
    assert payloads.payment_kind(payload) == "payment code"
    assert payloads.classify(payload) == ("payment code", [])
    if account is not None:
        assert payloads.payment_account(payload) == account
    assert payloads.payment_match(payload) is not None


@pytest.mark.parametrize(
    "payload",
    [
        "https://example.com/menu",
        "hello world",
        "BCD",  # a service tag alone
        "0002010102",  # EMV-like digits without a CRC
        "4006381333931",  # an EAN-13 product code
    ],
)
def test_ordinary_codes_are_nothing(payload):
    assert payloads.classify(payload) == (None, [])
