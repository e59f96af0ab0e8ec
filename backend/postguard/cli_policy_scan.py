"""``postguard scan --policy FILE``: decide a draft exactly as the service would.

The bundle, policy and organisation lists are loaded by the service's own code
(app.rule_parts), the draft goes through the same paragraph scanner, and
``decide`` adds the context guards and the policy's actions and verdict.
"""

from __future__ import annotations

import argparse
import datetime
from dataclasses import dataclass
from typing import Any

AUDIENCES = ("public", "reply", "followers", "dm", "unknown")


class UsageError(ValueError):
    """A bad option value; the message says which and why."""


def add_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "policy", "apply an admin policy as the service does (needs --policy)"
    )
    group.add_argument("--policy", help="an admin policy file (YAML or JSON)")
    group.add_argument(
        "--date", help="the local date for quiet periods, YYYY-MM-DD (default today)"
    )
    group.add_argument("--platform", help="platform id, e.g. x or linkedin")
    group.add_argument("--audience", choices=AUDIENCES, help="where the draft goes")
    group.add_argument(
        "--reply-to", metavar="HANDLE", help="the account the draft replies to"
    )
    group.add_argument(
        "--groups", help="the device's groups, comma-separated (quiet periods)"
    )


def policy_options_without_policy(args: argparse.Namespace) -> str | None:
    """The first policy option given without --policy, if any."""
    for name in ("date", "platform", "audience", "reply_to", "groups"):
        if getattr(args, name) is not None and not args.policy:
            return "--" + name.replace("_", "-")
    return None


def _date(raw: str | None) -> datetime.date:
    if raw is None:
        return datetime.date.today()
    try:
        if len(raw) != 10:
            raise ValueError
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise UsageError("--date: expected YYYY-MM-DD") from None


@dataclass
class PolicyScan:
    """The service's rule parts and the request options, to decide drafts."""

    parts: dict
    platform: str | None
    context: dict
    today: datetime.date

    @classmethod
    def load(cls, args: argparse.Namespace) -> PolicyScan:
        """Raises UsageError for a bad option; ConfigError or PolicyError when
        the policy or bundle cannot be used (messages name the file and line)."""
        from . import config
        from .app import rule_parts

        today = _date(args.date)
        settings = config.from_mapping(
            {"POLICY_FILE": args.policy, "RULES_BUNDLE": args.bundle}
        )
        parts = rule_parts(settings)
        policy = parts["policy"]
        platform = args.platform
        if platform is not None and platform not in policy.platforms:
            if "other" not in policy.platforms:
                known = ", ".join(sorted(policy.platforms))
                raise UsageError(f"--platform: the policy knows {known}")
            platform = "other"  # as the service records an unknown site
        context: dict[str, Any] = {}
        if args.audience:
            context["audience"] = args.audience
        if args.reply_to:
            if len(args.reply_to) > 100:
                raise UsageError("--reply-to: a handle is at most 100 characters")
            context["targets"] = [{"handle": args.reply_to, "kind": "reply_to"}]
        if args.groups:
            context["groups"] = [g.strip() for g in args.groups.split(",") if g.strip()]
        return cls(parts, platform, context, today)

    def scan(self, text: str, locale: str | None) -> dict:
        """What POST /api/v1/scan answers, without the timing."""
        from .decide import decide
        from .decide import guard_data

        engine = self.parts["engine"]
        result = self.parts["scanner"].scan(text, locale)
        decision = decide(
            text[: engine.max_chars],
            result.findings,
            complete=result.complete,
            unlisted=engine.rule_kinds(result.omitted_rules),
            policy=self.parts["policy"],
            guards=guard_data(engine),
            platform=self.platform,
            context=self.context,
            today=self.today,
            groups=(),
            max_findings=self.parts["scanner"].max_findings,
        )
        return {
            "verdict": decision.verdict,
            "findings": decision.findings,
            "findings_omitted": result.findings_omitted + decision.omitted,
            "rules_version": result.rules_version,
            "complete": result.complete,
            "incomplete": result.incomplete,
            "mode": self.parts["policy"].mode,
        }

    def image(self, data: bytes, locale: str | None, *, ocr: bool = True) -> dict:
        """What the service's image endpoint answers, without the timing.
        Raises ImageError for a file that is not a usable image."""
        from .cli_image import image_answer
        from .decide import decide
        from .decide import guard_data
        from .images import analyze_image

        scanner = self.parts["scanner"]
        analysis = analyze_image(data, scanner, locale=locale, ocr=ocr)
        # The one place the image's findings meet the policy.
        decision = decide(
            "",
            analysis.findings,
            complete=analysis.complete,
            unlisted=analysis.unlisted,
            policy=self.parts["policy"],
            guards=guard_data(self.parts["engine"]),
            platform=self.platform,
            context=self.context,
            today=self.today,
            groups=(),
            max_findings=scanner.max_findings,
            attachment=True,  # the policy's attachments section
        )
        return image_answer(
            analysis,
            decision.verdict,
            decision.findings,
            omitted=decision.omitted,
            mode=self.parts["policy"].mode,
        )


def print_decision(answer: dict) -> None:
    for f in answer["findings"]:
        where = f"{f['start']}-{f['end']}"
        if "target" in f:
            where = f"({f['target'].replace('_', ' ')})"
        print(
            f"{f['action'].upper():20} {f['type']:24} {where}  {f['preview']}  "
            f"({f['rule_id']}, {f['severity']})"
        )
        print(f"         {f['message']}")
        if "suggestion" in f:
            print(f"         add: {f['suggestion']['text']}")
    if answer["findings_omitted"]:
        print(f"         ... and {answer['findings_omitted']} more finding(s)")
    for gap in answer["incomplete"]:
        print(f"INCOMPLETE {gap['reason']}: {gap['rule_id'] or 'input'}")
    print(
        f"verdict: {answer['verdict']} ({len(answer['findings'])} finding(s), "
        f"policy mode {answer['mode']}, rules {answer['rules_version']})"
    )
