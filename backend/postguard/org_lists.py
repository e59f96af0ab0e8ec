"""The organisation's own detection lists: internal domains and confidential terms.

They come from the admin policy (``internal_domains``, ``confidential_terms``) and
from config.yaml / ``POSTGUARD_*`` (the same keys, plus ``confidential_terms_file``,
a YAML file of terms). The service merges them, checks every entry (a mistake
stops the start, naming the source and the entry), and puts them into the bundle
it runs and serves as ``org``; both engines then build the ``internal-domain``
and ``confidential-term-<severity>`` rules from them (engine/org.py), so the
extension's offline engine gets the same lists with the bundle it fetches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .config import ConfigError
from .engine.normalize import NormalizationTable
from .engine.org import ORG_KEYS
from .engine.org import host_of
from .engine.org import term_of


def read_terms_file(path: str) -> list[Any]:
    """A YAML list of terms (strings or ``{term, severity}``), or a mapping whose
    ``confidential_terms`` is that list."""
    where = Path(path).expanduser()
    try:
        data = yaml.safe_load(where.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(
            f"cannot read confidential_terms_file {where}: {exc.strerror}"
        ) from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{where}: not a YAML file: {type(exc).__name__}") from None
    if isinstance(data, dict) and set(data) <= {"confidential_terms"}:
        data = data.get("confidential_terms")
    if data is None:
        return []
    if not isinstance(data, list):
        raise ConfigError(
            f"{where}: expected a list of terms, or confidential_terms: [...]"
        )
    return data


def _checked(lists: dict[str, list[Any]], where: str, table: NormalizationTable):
    for entry in lists.get("internal_domains", []):
        try:
            host_of(entry)
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    for entry in lists.get("confidential_terms", []):
        try:
            term_of(entry, "high", table)
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    return lists


def collect(
    settings: dict[str, Any],
    policy_lists: dict[str, list[Any]],
    policy_source: str,
    table: NormalizationTable,
) -> dict[str, list[Any]]:
    """The merged lists (only those with entries), each entry checked."""
    sources = [(policy_source, policy_lists)]
    sources.append(
        (
            "config",
            {
                "internal_domains": list(settings["INTERNAL_DOMAINS"]),
                "confidential_terms": list(settings["CONFIDENTIAL_TERMS"]),
            },
        )
    )
    if settings.get("CONFIDENTIAL_TERMS_FILE"):
        path = settings["CONFIDENTIAL_TERMS_FILE"]
        sources.append((path, {"confidential_terms": read_terms_file(path)}))
    merged: dict[str, list[Any]] = {key: [] for key in ORG_KEYS}
    for where, lists in sources:
        for key, entries in _checked(lists, where, table).items():
            merged[key] += entries
    return {key: entries for key, entries in merged.items() if entries}
