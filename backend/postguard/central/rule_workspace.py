"""What central authors rules against: a ``shared_rules/`` tree (bundle
settings, schema, global allowlist, default policy and the packaged rules).

Drafts are checked by the rulebook itself: ``validate`` writes the draft into a
throw-away tree beside copies of the settings and runs ``validate_tree`` on it,
the very checks of ``postguard rules validate``. Bundles for the playground and
evaluation runs come from ``build_bundle``, and engines from those bundles are
kept (a few) so each request does not compile 400 rules again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..engine import Engine
from ..policy import Policy
from ..policy import PolicyError
from ..policy import check_bundle_policy
from ..rulebook import redos
from ..rulebook.build import build_bundle
from ..rulebook.redos import RECORDED_FILE
from ..rulebook.source import RuleSource
from ..rulebook.source import RuleTree
from ..rulebook.validate import validate_tree
from .rule_fields import FieldError
from .rule_fields import field_error

RULES_DIR_ENV = "POSTGUARD_RULES_DIR"
# What a tree holds besides its rules: copied, because the build refuses files
# (the BIP-39 word list) that resolve outside the tree. The recorded ReDoS
# verdicts spare a draft the analysis of the bundle-wide patterns.
_SETTINGS = (
    "bundle.yaml",
    "schema",
    "allow",
    "policy.yaml",
    "guards.yaml",
    "data",
    RECORDED_FILE,
)
_ENGINES_KEPT = 4
_SAFE_NAME = "^[a-z0-9]+(-[a-z0-9]+)*$"


class RulesUnavailable(Exception):
    """No shared_rules/ directory, or no ReDoS analyser; the message says which."""


class DraftError(Exception):
    """A draft that cannot be built; ``errors`` are FieldErrors."""

    def __init__(self, rule_id: str | None, errors: list[FieldError]) -> None:
        super().__init__("the draft cannot be built")
        self.rule_id, self.errors = rule_id, errors


@dataclass(frozen=True)
class ParsedDraft:
    source: str
    data: object  # the YAML as loaded (a dict when usable)
    root: yaml.Node | None  # the YAML's nodes, for line numbers
    errors: list[FieldError]

    @property
    def rule_id(self) -> str | None:
        rule_id = self.data.get("id") if isinstance(self.data, dict) else None
        return rule_id if isinstance(rule_id, str) else None


def parse(source: str, tree: RuleTree) -> ParsedDraft:
    """The YAML and the rule schema: the checks that decide whether a draft can
    be stored and built at all."""
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or "unreadable"
        error = FieldError("", line, f"not valid YAML: {problem}")
        return ParsedDraft(source, None, None, [error])
    errors = [field_error(p, data, root) for p in tree.schema_errors(data)]
    return ParsedDraft(source, data, root, errors)


def _safe(name: object) -> str | None:
    """``name`` when it can be a file name in the scratch tree."""
    return name if isinstance(name, str) and re.fullmatch(_SAFE_NAME, name) else None


class RuleWorkspace:
    def __init__(self, root: Path, *, with_node: bool = True) -> None:
        if not (Path(root) / "bundle.yaml").is_file():
            raise RulesUnavailable(f"no shared_rules/ at {root}")
        self.tree = RuleTree(Path(root))
        self.with_node = with_node
        self._packaged: dict[str, RuleSource] | None = None
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def locate(cls, configured: str | Path | None = None) -> RuleWorkspace:
        """The tree named by the app's RULES_DIR, $POSTGUARD_RULES_DIR, or the
        one ``postguard rules`` would find."""
        from ..cli_rules import find_rules_dir

        root = configured or os.environ.get(RULES_DIR_ENV) or find_rules_dir()
        if root is None:
            raise RulesUnavailable(
                f"no shared_rules/ directory found: set {RULES_DIR_ENV}"
            )
        return cls(Path(root))

    # --- the packaged rules --------------------------------------------------

    def packaged(self) -> dict[str, RuleSource]:
        with self._lock:
            if self._packaged is None:
                sources, _ = self.tree.load()  # broken files: `rules validate`'s
                self._packaged = {s.data["id"]: s for s in sources}
            return self._packaged

    def packaged_source(self, rule_id: str) -> str | None:
        found = self.packaged().get(rule_id)
        return found.path.read_text(encoding="utf-8") if found else None

    # --- validation ----------------------------------------------------------

    def parse(self, source: str) -> ParsedDraft:
        return parse(source, self.tree)

    def validate(self, source: str) -> list[FieldError]:
        """Every error ``postguard rules validate`` finds in this one rule, each
        attached to its field. Raises RulesUnavailable without node/recheck."""
        draft = self.parse(source)
        if draft.root is None:
            return draft.errors
        data = draft.data if isinstance(draft.data, dict) else {}
        with tempfile.TemporaryDirectory(prefix="postguard-draft-") as scratch:
            tree = self._scratch_tree(Path(scratch))
            category = _safe(data.get("category")) or "unknown"
            path = tree.rules_dir / category / f"{_safe(draft.rule_id) or 'draft'}.yaml"
            path.parent.mkdir(parents=True)
            path.write_text(source, encoding="utf-8")
            try:
                found = validate_tree(tree, with_node=self.with_node)
            except redos.AnalyserUnavailable as exc:
                raise RulesUnavailable(str(exc)) from None
            except PolicyError as exc:
                return [FieldError(None, None, f"the default policy: {exc}")]
            mine = tree.relative(path)
        return [
            field_error(e.reason, data, draft.root)
            if e.path == mine
            else FieldError(None, None, f"{Path(e.path).name}: {e.reason}")
            for e in found
        ]

    def _scratch_tree(self, scratch: Path) -> RuleTree:
        for name in _SETTINGS:
            source = self.tree.root / name
            if source.is_dir():
                shutil.copytree(source, scratch / name)
            elif source.is_file():
                shutil.copy(source, scratch / name)
        (scratch / "rules").mkdir()
        return RuleTree(scratch)

    # --- bundles and engines -------------------------------------------------

    def bundle(self, drafts: list[ParsedDraft], with_packaged: bool) -> dict:
        """The bundle of ``drafts`` (a draft replaces the packaged rule of its
        id) and, if asked, the packaged rules. Raises DraftError."""
        for draft in drafts:
            if draft.errors:
                raise DraftError(draft.rule_id, draft.errors)
        packaged = self.packaged()
        sources = dict(packaged) if with_packaged else {}
        for draft in drafts:
            sources[draft.rule_id] = RuleSource(
                Path(f"draft/{draft.rule_id}.yaml"), draft.data
            )
        try:
            # known_ids: the default policy may name packaged rules not built.
            return build_bundle(self.tree, list(sources.values()), known_ids=packaged)
        except (ValueError, KeyError, TypeError, PolicyError) as exc:
            rule_id = drafts[0].rule_id if len(drafts) == 1 else None
            raise DraftError(rule_id, [FieldError("", None, str(exc))]) from None

    def engine(self, bundle: dict) -> Engine:
        """An engine for ``bundle`` (its version holds a hash of its content).
        Raises DraftError when a pattern does not compile."""
        key = bundle["version"]
        with self._lock:
            if key in self._engines:
                self._engines.move_to_end(key)
                return self._engines[key]
        try:
            engine = Engine(json.dumps(bundle).encode("utf-8"))
        except ValueError as exc:  # BundleError: names the rule and the reason
            raise DraftError(None, [FieldError("", None, str(exc))]) from None
        with self._lock:
            self._engines[key] = engine
            while len(self._engines) > _ENGINES_KEPT:
                self._engines.popitem(last=False)
        return engine

    @staticmethod
    def policy(bundle: dict) -> Policy:
        return Policy.from_data(check_bundle_policy(bundle["policy"]), bundle["rules"])
