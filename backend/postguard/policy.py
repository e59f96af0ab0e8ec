"""Admin policy: the action for each finding, and the verdict that follows.

The default policy travels in the rule bundle (``policy``, built from
shared_rules/policy.yaml), so the extension's offline engine decides exactly like
the service; an admin's policy file (YAML or JSON) replaces it. Both are checked
against data/policy.schema.json on load. A mistake stops the service with the file
name and line, because a policy that half-loads would silently stop protecting
people. extension/src/engine/policy.js is the JS twin of ``Policy.apply``.

A rule in simulation (named in the policy's ``simulate``, or flagged
``simulate: true`` in its YAML and so in the bundle) runs and is recorded, but
its findings get action ``audit`` plus ``simulated_action`` and never change the
verdict: admins see how often it would fire before they enforce it.

A rule of a regulated wording pack (``pack: health`` in its YAML and so in the
bundle) is off unless the policy's ``regulated_packs`` lists its pack: its
findings are dropped, as if it had found nothing.

What the image check finds in an attachment (``attachment=True``) first looks up
the policy's ``attachments`` section (its rule entries, then its table), then the
text actions: admins can warn on a photo's location and still block a card number
in a screenshot.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Collection
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from importlib import resources
from pathlib import Path

import jsonschema
import yaml

from .image_rules import RULE_IDS as IMAGE_RULE_IDS

VERDICT_BY_ACTION = {
    "audit": "allow",
    "warn": "warn",
    "block_with_override": "block",
    "block": "block",
}
VERDICT_RANK = {"allow": 0, "warn": 1, "block": 2}
# Policy keys that are lists for detection (see Policy.org_lists).
ORG_LISTS = ("internal_domains", "confidential_terms")


class PolicyError(Exception):
    """The policy file cannot be used; the message names the file and line."""


def _packaged(name: str) -> Path:
    return Path(str(resources.files("postguard") / "data" / name))


_SCHEMA = json.loads(_packaged("policy.schema.json").read_text(encoding="utf-8"))


def _line_of(node: yaml.Node, path: list) -> int:
    """1-based line of the entry at ``path`` (or of its deepest existing parent)."""
    line = node.start_mark.line
    for part in path:
        children = []
        if isinstance(node, yaml.MappingNode):
            children = [
                (key, value) for key, value in node.value if key.value == str(part)
            ]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            children = [(item, item) for item in node.value[part : part + 1]]
        if not children:
            break
        marker, node = children[0]
        line = marker.start_mark.line  # the key's line, where an admin looks
    return line + 1


def _check_duplicate_keys(node: yaml.Node, where: Path) -> None:
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if key.value in seen:
                raise PolicyError(
                    f"{where}, line {key.start_mark.line + 1}: "
                    f"duplicate key {key.value!r}"
                )
            seen.add(key.value)
            _check_duplicate_keys(value, where)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item, where)


def _schema_error(error: jsonschema.ValidationError, root, where: Path) -> PolicyError:
    path = list(error.absolute_path)
    if "propertyNames" in error.relative_schema_path:
        path.append(error.instance)  # the offending key itself
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        path += [key for key in error.instance if key not in known][:1]
    place = "/".join(str(part) for part in path) or "(top level)"
    return PolicyError(
        f"{where}, line {_line_of(root, path)}: at {place}: {error.message}"
    )


def read_policy_data(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except OSError as exc:
        raise PolicyError(f"cannot read policy file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise PolicyError(f"{path}: the policy file is not UTF-8 text") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else "?"
        raise PolicyError(f"{path}, line {line}: {exc.problem}") from None
    if root is None:
        raise PolicyError(f"{path}: the policy file is empty")
    _check_duplicate_keys(root, path)
    data = yaml.load(text, Loader=_PolicyLoader)
    error = first_schema_error(data)
    if error is not None:
        raise _schema_error(error, root, path)
    problem = window_problem(data)
    if problem is not None:
        keys, message = problem
        raise PolicyError(f"{path}, line {_line_of(root, keys)}: {message}")
    return data


class _PolicyLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as written (``2026-11-01``, a string): a
    policy stays JSON (it travels in the bundle to the extension), and an
    impossible date is reported with its line instead of failing the load."""


_PolicyLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def iso_dates(data):
    """``data`` with date objects as ``YYYY-MM-DD`` strings (a policy built in
    code or loaded by another YAML reader)."""
    if isinstance(data, dict):
        return {key: iso_dates(value) for key, value in data.items()}
    if isinstance(data, list):
        return [iso_dates(item) for item in data]
    if isinstance(data, datetime.date) and not isinstance(data, datetime.datetime):
        return data.isoformat()
    return data


def window_problem(data: dict) -> tuple[list, str] | None:
    """The first quiet period with an impossible date or ending before it starts:
    where (keys) and what, else None. The schema checks only the shape."""
    for n, window in enumerate(data.get("quiet_periods") or ()):
        for key in ("start", "end"):
            try:
                datetime.date.fromisoformat(window[key])
            except ValueError:
                return ["quiet_periods", n, key], (
                    f"at quiet_periods/{n}/{key}: {window[key]!r} is not a date"
                )
        if window["end"] < window["start"]:
            return ["quiet_periods", n, "end"], (
                f"at quiet_periods/{n}/end: the window ends before it starts"
            )
    return None


def first_schema_error(data) -> jsonschema.ValidationError | None:
    return jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(_SCHEMA).iter_errors(data)
    )


def check_bundle_policy(data) -> dict:
    """The policy a bundle carries, checked like a file (no lines to name)."""
    data = iso_dates(data)
    error = first_schema_error(data)
    if error is not None:
        place = "/".join(str(part) for part in error.absolute_path) or "(top level)"
        raise PolicyError(f"the rule bundle's policy, at {place}: {error.message}")
    problem = window_problem(data)
    if problem is not None:
        raise PolicyError(f"the rule bundle's policy, {problem[1]}")
    return data


@dataclass(frozen=True)
class Policy:
    mode: str
    default_action: str
    on_incomplete: str
    tables: dict  # platform (None = global) -> {(category, severity): action}
    rules: dict  # platform (None = global) -> {rule_id: action}
    record_note_length: bool
    data: dict  # as loaded, without the lists below: what the extension gets
    # internal_domains, confidential_terms: detection lists, not actions. The
    # service merges them with its config and puts them into the bundle as `org`
    # (engine/org.py), so the policy does not carry them twice.
    org_lists: dict = field(default_factory=dict)
    simulated: frozenset[str] = frozenset()  # rule ids in simulation
    # rule id -> pack of the bundle's regulated wording rules; the packs turned on
    packs: dict = field(default_factory=dict)
    regulated_packs: frozenset[str] = frozenset()
    # audience -> {(category, severity): action} and {rule_id: action}: only the
    # audience's own entries, applied over the platform's (see action_for).
    audience_tables: dict = field(default_factory=dict)
    audience_rules: dict = field(default_factory=dict)
    # The ``attachments`` section: {(category, severity): action}, {rule_id: action}.
    attachment_table: dict = field(default_factory=dict)
    attachment_rules: dict = field(default_factory=dict)

    @property
    def platforms(self) -> frozenset[str]:
        return frozenset(key for key in self.tables if key is not None)

    @classmethod
    def load(cls, path: str | Path | None, bundle: dict) -> Policy:
        """The admin's policy file if given, else the policy in the bundle; the
        bundle's rules flagged ``simulate`` are in simulation either way."""
        rules = bundle.get("rules") or ()
        if path:
            return cls.from_data(read_policy_data(Path(path)), rules)
        if "policy" not in bundle:
            raise PolicyError(
                "the rule bundle carries no policy; rebuild it with "
                "`postguard rules build` or set policy_file"
            )
        return cls.from_data(check_bundle_policy(bundle["policy"]), rules)

    @classmethod
    def from_data(cls, data: dict, bundle_rules: Iterable[dict] = ()) -> Policy:
        """``bundle_rules``: the bundle's rules, whose ``simulate`` flags join
        the policy's own ``simulate`` list and whose ``pack`` says which are off."""
        bundle_rules = tuple(bundle_rules)
        simulated = frozenset(data.get("simulate") or ()) | flagged_rule_ids(
            bundle_rules
        )

        def table(actions):
            return {
                (category, severity): action
                for category, by_severity in (actions or {}).items()
                for severity, action in by_severity.items()
            }

        base_table, base_rules = table(data["actions"]), dict(data.get("rules") or {})
        tables, rules = {None: base_table}, {None: base_rules}
        for name, override in data["platforms"].items():
            override = override or {}
            tables[name] = {**base_table, **table(override.get("actions"))}
            rules[name] = {**base_rules, **(override.get("rules") or {})}
        audiences = {
            name: override or {}
            for name, override in (data.get("audiences") or {}).items()
        }
        events = data.get("events") or {}
        attachments = data.get("attachments") or {}
        org_lists = {key: data[key] for key in ORG_LISTS if data.get(key)}
        return cls(
            data["mode"],
            data["default_action"],
            data.get("on_incomplete", "warn"),
            tables,
            rules,
            bool(events.get("record_note_length", False)),
            {key: value for key, value in data.items() if key not in ORG_LISTS},
            org_lists,
            simulated,
            rule_packs(bundle_rules),
            frozenset(data.get("regulated_packs") or ()),
            {name: table(o.get("actions")) for name, o in audiences.items()},
            {name: dict(o.get("rules") or {}) for name, o in audiences.items()},
            table(attachments.get("actions")),
            dict(attachments.get("rules") or {}),
        )

    def action_for(
        self,
        finding: dict,
        platform: str | None = None,
        audience: str | None = None,
        *,
        attachment: bool = False,
    ) -> str:
        """Strongest first: for an ``attachment`` finding (an image's), the
        ``attachments`` rule entry and table entry; then the audience's rule
        entry, its table entry, the platform's rule entry (merged over the global
        one), its table (merged likewise), default_action. An audience the policy
        does not list (``unknown``, None) changes nothing."""
        key = (finding["category"], finding["severity"])
        if attachment:
            action = self.attachment_rules.get(finding["rule_id"])
            action = action or self.attachment_table.get(key)
            if action:
                return action
        if audience in self.audience_rules:
            action = self.audience_rules[audience].get(finding["rule_id"])
            action = action or self.audience_tables[audience].get(key)
            if action:
                return action
        rule_action = self.rules[platform].get(finding["rule_id"])
        if rule_action:
            return rule_action
        return self.tables[platform].get(key, self.default_action)

    def apply(
        self,
        findings: list[dict],
        platform: str | None,
        complete: bool,
        unlisted: Iterable[dict] = (),
        audience: str | None = None,
        *,
        attachment: bool = False,
    ) -> tuple[list[dict], str]:
        """Findings with their ``action`` added, and the verdict they lead to.

        A simulated finding (the whole policy or its rule in simulation) gets
        action ``audit`` and ``simulated_action``, the action it would have had,
        and leaves the verdict alone. ``unlisted``: ``{rule_id, category,
        severity}`` of findings past the engine's cap; they count for the verdict
        (unless simulated) but are not returned. ``audience``: where the draft
        goes (public, reply, followers, dm), for the policy's ``audiences``.
        ``attachment``: the findings are an image's (the ``attachments`` section).
        """
        verdict = "allow" if complete else self.on_incomplete
        decided = []
        for finding in findings:
            if self.drops(finding["rule_id"]):
                continue
            action = self.action_for(finding, platform, audience, attachment=attachment)
            if self.simulates(finding["rule_id"]):
                decided.append(
                    {**finding, "action": "audit", "simulated_action": action}
                )
                continue
            decided.append({**finding, "action": action})
            verdict = _stronger(verdict, VERDICT_BY_ACTION[action])
        for kind in unlisted:
            if self.simulates(kind["rule_id"]) or self.drops(kind["rule_id"]):
                continue
            verdict = _stronger(
                verdict,
                VERDICT_BY_ACTION[
                    self.action_for(kind, platform, audience, attachment=attachment)
                ],
            )
        if self.mode == "simulation":
            verdict = "allow"
        return decided, verdict

    def drops(self, rule_id: str) -> bool:
        """The rule belongs to a regulated wording pack the policy leaves off."""
        if rule_id not in self.packs:
            return False
        pack = self.packs[rule_id]
        return not (isinstance(pack, str) and pack in self.regulated_packs)

    def simulates(self, rule_id: str) -> bool:
        return self.mode == "simulation" or rule_id in self.simulated

    def check_simulated_ids(
        self, known: Collection[str], path: str | Path | None = None
    ) -> None:
        """Stop on a ``simulate`` or ``attachments.rules`` entry that names no
        rule in ``known`` nor an image check's: the admin meant to silence or
        set a rule, and a typo would leave it at its old action."""
        problem = unknown_rule_problem(
            self.data, frozenset(known) | IMAGE_RULE_IDS, path
        )
        if problem is None:
            return
        line, text = problem
        where = f"{path}, line {line}" if path else "the rule bundle's policy"
        raise PolicyError(f"{where}: {text}")


def unknown_rule_problem(
    data: dict, known: Collection[str], path: str | Path | None = None
) -> tuple[int | None, str] | None:
    """The first rule id of policy ``data``'s ``simulate`` list or
    ``attachments.rules`` that is not in ``known``: its line in the file at
    ``path`` (if given) and what is wrong, else None."""
    named = [
        (["simulate", n], rule_id)
        for n, rule_id in enumerate(data.get("simulate") or [])
    ]
    attachment_rules = (data.get("attachments") or {}).get("rules") or {}
    named += [
        (["attachments", "rules", rule_id], rule_id) for rule_id in attachment_rules
    ]
    unknown = [(keys, rule_id) for keys, rule_id in named if rule_id not in known]
    if not unknown:
        return None
    keys, rule_id = unknown[0]
    line = policy_line(Path(path), keys) if path else None
    more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
    place = "/".join(str(key) for key in keys)
    return line, (
        f"at {place}: no rule {rule_id!r} in the rule bundle, the organisation's "
        f"lists or the image checks{more}"
    )


def flagged_rule_ids(rules: Iterable[dict]) -> frozenset[str]:
    """Ids of the bundle rules whose YAML says ``simulate: true``."""
    return frozenset(rule["id"] for rule in rules if rule.get("simulate") is True)


def rule_packs(rules: Iterable[dict]) -> dict:
    """Rule id -> ``pack`` of the bundle rules that name one (not null)."""
    return {rule["id"]: rule["pack"] for rule in rules if rule.get("pack") is not None}


def policy_line(path: Path, keys: list) -> int:
    """The line of the entry at ``keys`` in a policy file already loaded."""
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    return _line_of(root, keys)


def _stronger(verdict: str, other: str) -> str:
    return other if VERDICT_RANK[other] > VERDICT_RANK[verdict] else verdict
