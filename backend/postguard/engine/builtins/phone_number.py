"""Phone numbers through libphonenumber's matcher, validated per region.

The rule's pattern finds cheap candidates; ``PhoneNumberMatcher`` then runs on each
candidate with the region hints (request locale first, then configured regions) and
every number must be valid for its region. A bare digit run is a phone only when
the rule's context words (call, WhatsApp, Handy, …) stand near it and the whole run
is one valid number: ``ring me on 07911123456``. Without context, the number as
written must carry ``+``, brackets or separators, so order numbers and ids stay out.
With a phone word near, a number no hinted region validates is tried again in the
bundle's ``phone_context_regions`` (``mi móvil es 612 34 56 78`` on an en-US machine).
A phone word also lets in a seven-digit local number written 3-4 (``Phone: 467 3395``)
where a hinted region dials such numbers without the area code.

``find`` checks the scan budget before each candidate: libphonenumber's matcher is
the slowest step per candidate, and a post can hold thousands of them.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from functools import cache
from functools import lru_cache

import phonenumbers
import regex
from phonenumbers import Leniency
from phonenumbers import PhoneMetadata
from phonenumbers import PhoneNumberMatcher

from . import RegionHints

NAME = "phone_number"
RUNTIMES = ("python",)
_FORMATTING = frozenset("+()-. /")
# Whole strings shaped like a date, a timestamp or an IPv4 address are not phones,
# even where some region's numbering plan happens to accept the digits.
_DATE_TIME_OR_IP = regex.compile(
    r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}(?: [0-9]{1,2}(?::[0-9]{2})?)?"
    r"|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}(?: [0-9]{1,2}(?::[0-9]{2})?)?"
    r"|[0-9]{1,3}(?:\.[0-9]{1,3}){3}"
)
# A dashed number that ends in a one-digit group is a check-digit identifier
# (CAS 7732-18-5, ISBN 0-201-75041-4, EC 200-001-8), not how phones are written.
_CHECK_DIGIT_ID = regex.compile(r"[0-9][0-9\-]*-[0-9]")
# A capitals-and-digits group right before the digits (``1Z 999 AA1 01 2345 6784``,
# a parcel's tracking code) makes them the tail of a code, not a phone.
_CODE_GROUP_BEFORE = regex.compile(
    r"(?<![^\s])(?=[0-9A-Z]*[A-Z])(?=[0-9A-Z]*[0-9])[0-9A-Z]{2,12} $"
)

# Digits joined to letters by a hyphen or underscore (``RE-2024-000123``,
# ``INV_0151234567``) are the number of an invoice, order or ticket id.
_LETTERS_JOINED_BEFORE = regex.compile(r"[A-Za-z][\-_]$")


# A number right after an identity, tax or account word, with only a label's
# filler between (``my SIN is 046 454 286``, ``SSN: 078-05-1120``,
# ``Steuer-ID 12 345 678 901``, ``Kontonummer 0151 2345678``), is that number,
# whatever numbering plan its digits also fit: the word names it, and a phone word
# would have to stand closer. Numbers written with ``+`` are phones regardless.
# Acronyms that are also words (SIN, PAN, TIN, NIE, RUT, NIR, RG, EIN, RIB) count
# only in capitals ("sin" is Spanish for "without", "ein" German for "a").
_ID_WORDS = (
    # en
    r"ssn|social[ \-]security(?:[ \-]number)?|social[ \-]insurance(?:[ \-]number)?"
    r"|national[ \-](?:id|identity|insurance)(?:[ \-]number)?"
    r"|id[ \-](?:number|no|nr|card)"
    r"|identity(?:[ \-](?:number|card|code))?|identification(?:[ \-](?:number|code))?"
    r"|personal[ \-](?:id|code)|passport|tax[ \-](?:id|number|no|file[ \-]number)"
    r"|taxpayer[ \-]id|itin|tfn|ird[ \-]number|account[ \-](?:number|no|nbr|num)"
    r"|acct|a/c|bank[ \-]account|iban|routing(?:[ \-]number)?|sort[ \-]code|bsb|ifsc"
    r"|aadhaa?r|nino|nhs[ \-]number|medicare(?:[ \-]number)?"
    r"|driver'?s[ \-]licen[cs]e(?:[ \-]number)?|licen[cs]e[ \-]number"
    # de
    r"|steuer[ \-]?id|steuer[ \-]?nr|steuernummer|steueridentifikationsnummer"
    r"|identifikationsnummer|ausweisnummer|personalausweis(?:nummer)?|ausweis"
    r"|sozialversicherungsnummer|rentenversicherungsnummer|versichertennummer"
    r"|kontonummer|konto[ \-]?nr|bankkonto|blz|bankleitzahl|reisepass(?:nummer)?"
    # fr
    r"|s[ée]curit[ée][ \-]sociale|num[ée]ro[ \-]fiscal|identit[ée]"
    r"|num[ée]ro[ \-]de[ \-]compte"
    r"|passeport"
    # es, pt
    r"|dni|nif|cuit|cuil|curp|rfc|c[ée]dula|identificaci[óo]n|identidad|identidade"
    r"|n[úu]mero[ \-]de[ \-]cuenta|cuenta[ \-]bancaria|seguridad[ \-]social|pasaporte"
    r"|cpf|cnpj|contribuinte|n[úu]mero[ \-]da[ \-]conta|conta[ \-]corrente|ag[êe]ncia"
    # it, nl
    r"|codice[ \-]fiscale|partita[ \-]iva|identit[àa]|numero[ \-]di[ \-]conto"
    r"|conto[ \-]corrente"
    r"|passaporto|bsn|burgerservicenummer|rekeningnummer|bankrekening|paspoort"
    # national names
    r"|pesel|cnp|tc[ \-]kimlik|kimlik[ \-]no|personnummer|f[øo]dselsnummer|hetu"
    r"|cpr|amka"
    r"|em[šs]o|oib|egn|kennitala|isikukood|asmens[ \-]kodas|rodn[ée][ \-][čc][íi]slo"
)
_ID_ACRONYMS = r"SIN|PAN|TIN|NIE|RUT|NIR|RG|UTR|PPS|EIN|RIB"
_ID_WORD_BEFORE = regex.compile(
    r"(?<![\p{L}\p{N}])(?:(?i:" + _ID_WORDS + r")|" + _ID_ACRONYMS + r")"
    r"(?i:[ \-]{0,2}(?:number|num|nbr|no|nr|nummer|num[ée]ro|n[úu]mero|n°|#)\.?)?"
    r"(?i:[ \t]{1,2}(?:is|was|ist|lautet|est|es|[ée]|è))?"
    r"[ \t]{0,3}[:#=\-]?[ \t]{0,3}[(]?$"
)

# A local number without its area code, written 3-4 (``467 3395``, ``450-0840``): the
# way a seven-digit subscriber number is written where the area code is dialled
# apart. Only with a phone word near, and only where libphonenumber says a number of
# that length is possible for local dialling.
_LOCAL_SHAPE = regex.compile(r"[2-9][0-9]{2}[ .\-][0-9]{4}")


def _is_formatted(raw: str) -> bool:
    return any(c in _FORMATTING for c in raw.strip())


def _is_phone_shaped(raw: str) -> bool:
    raw = raw.strip()
    return (
        _is_formatted(raw)
        and not _DATE_TIME_OR_IP.fullmatch(raw)
        and not _CHECK_DIGIT_ID.fullmatch(raw)
    )


def _with_prefix(text: str, start: int) -> int:
    """Candidates start at a digit; take in a directly preceding ``+`` or ``(``."""
    for _ in range(2):
        if start > 0 and text[start - 1] in "+(":
            start -= 1
    return start


@cache
def _national_digit_counts(region: str) -> frozenset[int]:
    """Digit counts a national-format number of ``region`` can have (with and
    without its trunk prefix). Skipping regions that cannot fit saves most of the
    matcher's work."""
    meta = PhoneMetadata.metadata_for_region(region)
    if meta is None or meta.general_desc is None:
        return frozenset()
    prefix = len(meta.national_prefix or "")
    lengths = meta.general_desc.possible_length or ()
    return frozenset({*lengths, *(n + prefix for n in lengths)})


@lru_cache(maxsize=4096)
def _match(
    candidate: str, regions: tuple[str, ...], bare: bool = False
) -> tuple[tuple[int, int], ...]:
    """Phone spans inside one candidate. Cached: typing re-scans the same draft.
    ``bare``: the candidate is a digit run with a phone word near it; it counts
    only as one whole valid number."""
    international = candidate.lstrip().startswith("+")
    digits = sum(c.isdigit() for c in candidate)
    for region in regions[:1] if international else regions:
        if not international and digits not in _national_digit_counts(region):
            continue
        spans = tuple(
            (m.start, m.end)
            for m in PhoneNumberMatcher(candidate, region, leniency=Leniency.VALID)
            if (
                (m.start, m.end) == (0, len(candidate))
                if bare
                else _is_phone_shaped(m.raw_string)
            )
            and phonenumbers.is_valid_number(m.number)
        )
        if spans:
            return spans
    return ()


@lru_cache(maxsize=1024)
def _local_only(candidate: str, regions: tuple[str, ...]) -> bool:
    """Is the whole candidate a local number (no area code) in one of the regions?"""
    if not _LOCAL_SHAPE.fullmatch(candidate):
        return False
    for region in regions:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        reason = phonenumbers.is_possible_number_with_reason(number)
        if reason == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
            return True
    return False


def clear_cache() -> None:
    _match.cache_clear()
    _local_only.cache_clear()


def prepare(regions: tuple[str, ...]) -> None:
    """Load now the metadata phonenumbers would load on first use: the regions'
    own, and that of every region sharing their calling codes (a number is
    checked against each of them, e.g. GB against GG, IM and JE).

    The metadata patterns number in the thousands, far past the re module's
    cache of 512: without phonenumbers' own pattern cache most of a scan's phone
    time went to recompiling them."""
    phonenumbers.enable_pattern_cache()
    for region in regions:
        _national_digit_counts(region)
        code = phonenumbers.country_code_for_region(region)
        for other in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ()):
            PhoneMetadata.metadata_for_region(other)


def find(
    text: str,
    spans: list[tuple[int, int]],
    regions: RegionHints,
    check_budget: Callable[[], None],
    has_context: Callable[[int, int], bool] = lambda start, end: False,
) -> Iterator[tuple[int, int]]:
    """Phone spans within the candidate spans, in order; ``check_budget`` runs
    before each candidate and raises to stop. ``has_context(start, end)``: is one
    of the rule's context words near that span (lets a bare digit run in)."""
    for start, end in spans:
        check_budget()
        start = _with_prefix(text, start)
        candidate = text[start:end]
        if text[start] != "+" and (
            _CODE_GROUP_BEFORE.search(text, max(0, start - 14), start)
            or _LETTERS_JOINED_BEFORE.search(text, max(0, start - 2), start)
            or _ID_WORD_BEFORE.search(text, max(0, start - 64), start)
        ):
            continue
        if _is_formatted(candidate):
            found = _match(candidate, regions.hinted)
            if (
                not found
                and regions.near_phone_word
                and not candidate.startswith("+")  # its region is in the number
                and has_context(start, end)
            ):
                found = _match(candidate, regions.near_phone_word)
            if (
                not found
                and _local_only(candidate, regions.hinted)
                and has_context(start, end)
            ):
                found = ((0, len(candidate)),)
        elif has_context(start, end):
            found = _match(candidate, regions.hinted, bare=True) or _match(
                candidate, regions.near_phone_word, bare=True
            )
        else:
            continue
        for s, e in found:
            yield start + s, start + e
