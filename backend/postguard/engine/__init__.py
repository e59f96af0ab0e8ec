"""The detection engine: pure Python, no Flask, no I/O beyond loading a bundle.

engine = Engine.load()                     # the packaged default bundle
result = engine.scan("card 4111 1111 1111 1111", locale="en-US")
result.to_dict()["findings"][0]["preview"]   # '•••• 1111'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .result import Finding
from .result import ScanResult
from .ruleset import BundleError
from .ruleset import compile_bundle
from .scanner import scan as _scan

__all__ = ["BundleError", "Engine", "Finding", "ScanResult"]


def region_of(locale: str | None) -> str | None:
    """The region subtag of a BCP-47 locale: ``en-GB`` -> ``GB``."""
    if not locale:
        return None
    for part in locale.replace("_", "-").split("-")[1:]:
        if len(part) == 2 and part.isalpha():
            return part.upper()
    return None


class Engine:
    def __init__(
        self,
        bundle_bytes: bytes,
        *,
        regions: tuple[str, ...] | None = None,
        runtime: str = "python",
    ) -> None:
        self.bundle_bytes = bundle_bytes
        self.compiled = compile_bundle(bundle_bytes)
        self.runtime = runtime
        self.regions = tuple(regions or self.compiled.defaults["phone_regions"])
        self.rules = tuple(r for r in self.compiled.rules if runtime in r.runtimes)

    @classmethod
    def load(cls, path: str | Path | None = None, **options) -> Engine:
        if path is None:
            raw = (
                resources.files(__package__.rsplit(".", 1)[0])
                .joinpath("data/ruleset.json")
                .read_bytes()
            )
        else:
            raw = Path(path).read_bytes()
        return cls(raw, **options)

    @property
    def rules_version(self) -> str:
        return self.compiled.version

    @property
    def sha256(self) -> str:
        return self.compiled.sha256

    def _regions_for(self, locale: str | None) -> tuple[str, ...]:
        first = region_of(locale)
        if first is None or first in self.regions[:1]:
            return self.regions
        return (first, *(r for r in self.regions if r != first))

    def scan(
        self, text: str, locale: str | None = None, *, only: frozenset | None = None
    ) -> ScanResult:
        rules = (
            self.rules if only is None else tuple(r for r in self.rules if r.id in only)
        )
        return _scan(self.compiled, rules, text, self._regions_for(locale))
