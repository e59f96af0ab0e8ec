"""IATA Bar Coded Boarding Pass (Resolution 792), format "M": enough of it to
tell a boarding pass from other text and to say what it reveals.

Layout: "M", the number of legs, the passenger's name (20), the e-ticket
indicator (1); per leg 35 fixed characters (booking reference 7, from 3, to 3,
carrier 3, flight 5, day of year 3, compartment 1, seat 4, check-in number 5,
status 1) and the size (2 hex digits) of a variable part. The first leg's
variable part may open with ">", a version digit and a "unique" section; then
each leg's "repeated" section (its size in 2 hex digits) holds the
frequent-flyer number at characters 21-37.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LEG = re.compile(
    r"(?P<pnr>[A-Z0-9 ]{7})(?P<origin>[A-Z]{3})(?P<destination>[A-Z]{3})"
    r"(?P<carrier>[A-Z0-9 ]{3})(?P<flight>[0-9 ]{4}[A-Z ])(?P<day>[0-9]{3})"
    r"(?P<compartment>[A-Z ])(?P<seat>[0-9A-Z ]{4})"
    r"(?P<sequence>[0-9A-Z ]{5})(?P<status>[0-9A-Z ])(?P<size>[0-9A-Fa-f]{2})"
)
_NAME = re.compile(r"[A-Z0-9/ .'\-]{20}")


@dataclass(frozen=True)
class Leg:
    booking_reference: str
    origin: str
    destination: str
    carrier: str
    flight: str
    seat: str
    frequent_flyer: str


@dataclass(frozen=True)
class BoardingPass:
    name: str
    legs: tuple[Leg, ...]

    def reveals(self) -> list[str]:
        """What the pass gives away, in words (no values)."""
        words = ["name", "booking reference", "flight"]
        if any(leg.seat for leg in self.legs):
            words.append("seat")
        if any(leg.frequent_flyer for leg in self.legs):
            words.append("frequent-flyer number")
        return words


def _repeated_ff(section: str) -> str:
    """The frequent-flyer number in a leg's repeated conditional section."""
    if len(section) < 2:
        return ""
    try:
        size = int(section[:2], 16)
    except ValueError:
        return ""
    return section[2 : 2 + size][21:37].strip()


def parse(text: str) -> BoardingPass | None:
    """The boarding pass in a barcode's text, or None when it is not one."""
    text = text.strip("\r\n")
    if len(text) < 60 or text[0] != "M" or text[1] not in "123456789":
        return None
    if not _NAME.fullmatch(text[2:22]) or "/" not in text[2:22]:
        return None
    legs = []
    pos = 23
    for number in range(int(text[1])):
        match = _LEG.match(text, pos)
        if match is None:  # a later leg cut short still leaves a boarding pass
            break
        size = int(match["size"], 16)
        variable = text[match.end() : match.end() + size]
        repeated = variable
        if number == 0 and variable.startswith(">") and len(variable) >= 4:
            try:
                unique_size = int(variable[2:4], 16)
            except ValueError:
                unique_size = len(variable)
            repeated = variable[4 + unique_size :]
        legs.append(
            Leg(
                match["pnr"].strip(),
                match["origin"],
                match["destination"],
                match["carrier"].strip(),
                match["flight"].strip(),
                match["seat"].strip(),
                _repeated_ff(repeated),
            )
        )
        pos = match.end() + size
    if not legs:
        return None
    return BoardingPass(text[2:22].strip(), tuple(legs))
