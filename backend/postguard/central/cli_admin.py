"""``postguard central publish|promote|pause|resume|bundles|simulation|group|
ungroup|devices|revoke-device|enrol-tokens|revoke-enrol-token``: the admin API
over HTTP, with the admin token from POSTGUARD_ADMIN_TOKEN."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from .cli import EXIT_CONFIG
from .cli import EXIT_FAIL
from .cli import EXIT_UNAVAILABLE
from .cli import _fail


class Refused(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def _call(args, method: str, path: str, body: bytes | None = None) -> dict:
    token = os.environ.get("POSTGUARD_ADMIN_TOKEN", "")
    if not token:
        raise Refused("set POSTGUARD_ADMIN_TOKEN to your admin token", EXIT_CONFIG)
    request = urllib.request.Request(
        args.url.rstrip("/") + path,
        data=body,
        method=method,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        error = json.loads(exc.read() or b"{}").get("error", {})
        message = f"refused: {error.get('code')}: {error.get('message')}"
        raise Refused(message, EXIT_FAIL) from None
    except (OSError, ValueError) as exc:
        raise Refused(f"cannot reach {args.url}: {exc}", EXIT_UNAVAILABLE) from None


def _reported(command):
    def run(args) -> int:
        try:
            print(command(args))
        except Refused as exc:
            return _fail(exc.message, exc.code)
        return 0

    return run


@_reported
def publish(args) -> str:
    if args.restores is not None:
        path = f"/api/v1/admin/rollback?restores={args.restores}"
    elif args.all:
        path = "/api/v1/admin/bundles?to=all"
    else:
        pilot = {"group": args.pilot_group, "percent": args.pilot_percent}
        query = {k: v for k, v in pilot.items() if v is not None}
        if not query:
            raise Refused("name --pilot-group and/or --pilot-percent, or --all", 2)
        path = "/api/v1/admin/bundles?" + urllib.parse.urlencode(query)
    body = _call(args, "POST", path, args.signed.read_bytes())
    where = "to all" if body["stage"] == "all" else f"to pilot {body['pilot']}"
    return f"published version {body['version']} (key {body['key_id']}) {where}"


@_reported
def promote(args) -> str:
    force = "?force=1" if args.force else ""
    _call(args, "POST", f"/api/v1/admin/bundles/{args.version}/promote{force}")
    return f"version {args.version} goes to all devices"


def _rates(rates: dict) -> str:
    return (
        f"{rates['scans']} scans, {rates['block_rate']:.1%} blocked, "
        f"{rates['error_rate']:.1%} failed"
    )


@_reported
def bundles(args) -> str:
    lines = []
    for b in _call(args, "GET", "/api/v1/admin/bundles")["bundles"]:
        line = f"{b['version']}  {b['stage']}  published {b['published_at']}"
        if b.get("held"):
            line += f"  HELD by the health gate ({b['held']['reason']})"
        lines.append(line)
        if b.get("health"):
            lines.append(f"    pilot:    {_rates(b['health']['pilot'])}")
            lines.append(f"    baseline: {_rates(b['health']['baseline'])}")
    return "\n".join(lines) or "no bundles published"


@_reported
def pause(args) -> str:
    _call(args, "POST", f"/api/v1/admin/bundles/{args.version}/pause")
    return f"version {args.version} paused: devices that have it keep it"


@_reported
def resume(args) -> str:
    force = "?force=1" if args.force else ""
    _call(args, "POST", f"/api/v1/admin/bundles/{args.version}/resume{force}")
    return f"version {args.version} resumed: its pilot gets it again"


@_reported
def group(args) -> str:
    body = json.dumps({"device_ids": args.device_ids}).encode()
    answer = _call(args, "PUT", f"/api/v1/admin/groups/{args.name}", body)
    return f"{answer['devices']} device(s) now in group {args.name}"


@_reported
def ungroup(args) -> str:
    body = json.dumps({"device_ids": args.device_ids}).encode()
    answer = _call(args, "POST", "/api/v1/admin/ungroup", body)
    return f"{answer['devices']} device(s) now in no group"


@_reported
def revoke_device(args) -> str:
    _call(args, "POST", f"/api/v1/admin/devices/{_segment(args.device_id)}/revoke")
    return f"device {args.device_id} revoked: its credential is refused from now on"


@_reported
def enrol_tokens(args) -> str:
    rows = _call(args, "GET", "/api/v1/admin/enrolment-tokens")["enrolment_tokens"]
    lines = [
        f"{t['id']}  {t['state']}  uses_left={t['uses_left']}  "
        f"expires={t['expires_at']}  created_by={t['created_by']}"
        for t in rows
    ]
    return "\n".join(lines) if lines else "no enrolment tokens"


@_reported
def revoke_enrol_token(args) -> str:
    path = f"/api/v1/admin/enrolment-tokens/{_segment(args.token_id)}/revoke"
    _call(args, "POST", path)
    return f"enrolment token {args.token_id} revoked: nothing enrols with it now"


def _segment(text: str) -> str:
    return urllib.parse.quote(text, safe="")


@_reported
def devices(args) -> str:
    rows = []
    for problem in ("stale", "rejected") if args.problems else (None,):
        query = f"?problem={problem}" if problem else ""
        rows += _call(args, "GET", "/api/v1/admin/devices" + query)["devices"]
    seen, lines = set(), []
    for row in rows:
        if row["device_id"] in seen:
            continue
        seen.add(row["device_id"])
        rejection = row["last_rejection"] or {}
        lines.append(
            f"{row['device_id']}  group={row['group'] or '-'}  "
            f"runs={row['bundle_version']}  should={row['expected_version']}  "
            f"last_success={row['last_success_at'] or '-'}  "
            f"rejection={rejection.get('reason', '-')}  "
            f"problems={','.join(row['problems']) or '-'}"
            + (f"  revoked={row['revoked_at']}" if row.get("revoked_at") else "")
        )
    return (
        "\n".join(lines)
        if lines
        else "no devices" + (" with problems" if args.problems else "")
    )


@_reported
def simulation(args) -> str:
    answer = _call(args, "GET", f"/api/v1/admin/reports/simulation?days={args.days}")
    lines = [
        f"{r['rule_id']}  {r['hits']} post(s) on {r['devices']} device(s)  would: "
        + ", ".join(f"{action} {n}" for action, n in r["would"].items())
        for r in answer["rules"]
    ]
    if answer["suppressed_cells"]:
        lines.append(
            f"({answer['suppressed_cells']} figure(s) hidden: fewer than 5 devices)"
        )
    return "\n".join(lines) or f"no simulated rule fired in {args.days} days"


def register(actions) -> None:
    url = _url_parent()
    action = actions.add_parser(
        "publish",
        parents=[url],
        help="upload a signed bundle to a pilot, or to all (admin token in "
        "POSTGUARD_ADMIN_TOKEN)",
    )
    action.add_argument("--pilot-group", metavar="NAME")
    action.add_argument("--pilot-percent", type=float, metavar="P")
    action.add_argument("--all", action="store_true", help="skip the pilot")
    action.add_argument(
        "--restores",
        type=int,
        metavar="V",
        help="a rollback to all: SIGNED carries version V's rules again",
    )
    action.add_argument("signed", type=Path, metavar="SIGNED")
    action.set_defaults(handler=publish)

    for name, handler, text in (
        ("promote", promote, "give a pilot bundle to all devices"),
        ("pause", pause, "stop a pilot: nobody new gets it"),
        ("resume", resume, "let a paused pilot go on"),
    ):
        action = actions.add_parser(name, parents=[url], help=text)
        action.add_argument("version", type=int, metavar="V")
        action.set_defaults(handler=handler)

    for name in ("promote", "resume"):
        actions.choices[name].add_argument(
            "--force", action="store_true", help=f"{name} past the health gate"
        )
    action = actions.add_parser(
        "bundles", parents=[url], help="list bundles, stages and pilot health"
    )
    action.set_defaults(handler=bundles)
    action = actions.add_parser(
        "simulation",
        parents=[url],
        help="how often each rule in simulation would have fired",
    )
    action.add_argument("--days", type=int, default=30)
    action.set_defaults(handler=simulation)

    action = actions.add_parser("group", parents=[url], help="put devices in a group")
    action.add_argument("name")
    action.add_argument("device_ids", nargs="+", metavar="DEVICE_ID")
    action.set_defaults(handler=group)

    action = actions.add_parser(
        "ungroup", parents=[url], help="take devices out of their group"
    )
    action.add_argument("device_ids", nargs="+", metavar="DEVICE_ID")
    action.set_defaults(handler=ungroup)

    action = actions.add_parser(
        "revoke-device", parents=[url], help="refuse a (lost or stolen) device"
    )
    action.add_argument("device_id", metavar="DEVICE_ID")
    action.set_defaults(handler=revoke_device)

    action = actions.add_parser(
        "enrol-tokens", parents=[url], help="list enrolment tokens (ids, no secrets)"
    )
    action.set_defaults(handler=enrol_tokens)

    action = actions.add_parser(
        "revoke-enrol-token", parents=[url], help="refuse an enrolment token"
    )
    action.add_argument("token_id", metavar="ID")
    action.set_defaults(handler=revoke_enrol_token)

    action = actions.add_parser("devices", parents=[url], help="list devices")
    action.add_argument(
        "--problems", action="store_true", help="only stale or rejected ones"
    )
    action.set_defaults(handler=devices)


def _url_parent():
    import argparse

    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--url", required=True, help="central's base URL")
    return parent
