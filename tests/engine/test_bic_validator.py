"""The bic validator's country list: the bundle gives it, prepare() checks it."""

from pathlib import Path

import pytest

from postguard.engine.validators import bic

# The IANA tz database's copy of the ISO 3166-1 alpha-2 table, where installed.
TZ_ISO3166 = Path("/usr/share/zoneinfo/iso3166.tab")


def _countries(bundle: dict) -> list[str]:
    return bundle["validators"]["bic"]["params"]["countries"]


def test_the_bundle_lists_each_country_once(bundle):
    countries = _countries(bundle)
    assert len(countries) == len(set(countries))
    assert "XK" in countries and "NO" in countries
    bic.prepare({"countries": countries})


@pytest.mark.skipif(not TZ_ISO3166.is_file(), reason="no tz iso3166.tab here")
def test_the_bundle_lists_every_iso_3166_code(bundle):
    lines = TZ_ISO3166.read_text(encoding="utf-8").splitlines()
    iso = {line.split("\t")[0] for line in lines if line and not line.startswith("#")}
    assert iso and iso <= set(_countries(bundle))
    assert set(_countries(bundle)) - iso == {"XK"}


@pytest.mark.parametrize(
    "countries", [None, [], ["DE", "de"], ["DE", "DEU"], ["DE", False]]
)
def test_prepare_refuses_a_bad_country_list(countries):
    with pytest.raises(ValueError, match="bic: "):
        bic.prepare({"countries": countries})


def test_without_countries_nothing_is_valid():
    assert bic.validate("DEUTDEFF", {"countries": ["DE"]})
    assert not bic.validate("DEUTDEFF", {})
    assert not bic.validate("DEUTDEFF", {"countries": ["FR"]})
