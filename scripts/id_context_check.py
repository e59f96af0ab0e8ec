"""National IDs named in everyday words: per stdnum module, the share found.

    python scripts/id_context_check.py                       # ../shared/corpus
    python scripts/id_context_check.py FILE [--per 40] [--json]

For every NATIONAL_ID module in the valid-values file (spans labelled
NATIONAL_ID, subtype ``stdnum.<module>``) that some rule validates with that
stdnum module, each value (up to ``--per`` per module) is put into generic
sentences in several languages ("My national ID number is ...", "Mi número de
identificación es ...") and scanned; a value counts as found when a
NATIONAL_ID or TAX_ID finding overlaps it. Prints the hit rate per module and
language. Modules no rule validates are listed apart.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from postguard.engine import Engine

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FILE = "values_stdnum_valid.jsonl"
RULES = Path(__file__).resolve().parents[1] / "shared_rules" / "rules"

SENTENCES = {
    "en": "My national ID number is {v}, please keep it safe.",
    "en2": "ID no. {v} is on my card",
    "es": "Mi número de identificación es {v}",
    "fr": "Ma carte d'identité porte le numéro {v}.",
    "de": "Meine Ausweisnummer ist {v}",
    "it": "Il mio numero di documento è {v}",
    "pt": "meu número de identidade é {v}",
    "nl": "Mijn identiteitsnummer is {v}",
    "hi": "mera ID number {v} hai",
}
TYPES = {"NATIONAL_ID", "TAX_ID"}


def rule_modules() -> dict[str, list[str]]:
    """stdnum module -> the rules that validate with it."""
    import yaml

    out: dict[str, list[str]] = defaultdict(list)
    for path in sorted(RULES.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for spec in data.get("validators") or []:
            if spec.get("name") == "stdnum":
                out["stdnum." + spec["params"]["module"]].append(data["id"])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT / FILE)
    parser.add_argument("--per", type=int, default=40, help="values per module")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    values: dict[str, list[str]] = defaultdict(list)
    for line in args.file.open(encoding="utf-8"):
        record = json.loads(line)
        for span in record.get("spans", []):
            if (
                span["type"] == "NATIONAL_ID"
                and len(values[span["subtype"]]) < args.per
            ):
                values[span["subtype"]].append(span["value"])
    modules = rule_modules()
    engine = Engine.load()
    table = {}
    for subtype in sorted(values):
        if subtype not in modules:
            continue
        hits = {}
        for lang, template in SENTENCES.items():
            found = 0
            for value in values[subtype]:
                text = template.format(v=value)
                start = text.index(value)
                end = start + len(value)
                findings = engine.scan(text, budget_ms=float("inf")).findings
                found += any(
                    f.type in TYPES and f.start < end and start < f.end
                    for f in findings
                )
            hits[lang] = found / len(values[subtype])
        table[subtype] = {"n": len(values[subtype]), "rules": modules[subtype], **hits}
    if args.json:
        print(json.dumps(table, indent=1))
        return 0
    langs = list(SENTENCES)
    print(f"{'module':28} {'n':>4} " + " ".join(f"{x:>5}" for x in langs) + "  rules")
    for subtype, row in table.items():
        cells = " ".join(f"{row[x]:5.2f}" for x in langs)
        print(f"{subtype:28} {row['n']:4} {cells}  {','.join(row['rules'])}")
    missing = sorted(set(values) - set(table))
    print("\nno rule validates:", ", ".join(m.removeprefix("stdnum.") for m in missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
