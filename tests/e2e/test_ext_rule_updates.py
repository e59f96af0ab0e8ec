"""Acceptance for signed rule updates (issue 11): keys and signatures from the real
CLI, a real ``postguard serve`` polling ``bundle_file``, the real extension.

A rule that did not exist (an "ACME-" internal key) does not fire; a signed bundle
with it is dropped, the service applies it within its poll interval, and the same
text typed in a compose box gets the banner. The extension verifies the same
envelope itself with WebCrypto Ed25519 when keys are pinned, and runs it offline.
A forged bundle dropped next is refused (reason in /api/v1/health) while the rule
keeps firing.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ALLOWED_ORIGINS
from conftest import Service
from conftest import pair
from conftest import pairing_settings

from postguard.testing import cli_env

RULE_ID = "acme-internal-key"
RULE_NAME = "ACME internal key"
KEY_VALUE = "ACME-7Q2K9XWD"
TEXT = f"deploy with {KEY_VALUE} tonight"
PACKAGED = Path(__file__).resolve().parents[2] / "backend/postguard/data/ruleset.json"


def acme_bundle() -> bytes:
    """The packaged bundle plus one rule in the bundle's own rule format."""
    bundle = json.loads(PACKAGED.read_bytes())
    assert RULE_ID not in {r["id"] for r in bundle["rules"]}
    rule = copy.deepcopy(
        next(r for r in bundle["rules"] if r["id"] == "aws-access-key-id")
    )
    rule.update(
        id=RULE_ID,
        name=RULE_NAME,
        pattern="(?<![A-Za-z0-9])(?<value>ACME-[0-9A-Z]{8})(?![A-Za-z0-9])",
        keywords=["acme-"],
        validators=[],
        allow={},
        reach={"behind": 1, "ahead": 14, "keyword_first": True},
        message="ACME internal key: internal credentials never go on social media.",
        examples={
            "match": [{"text": TEXT, "value": KEY_VALUE, "why": "e2e"}],
            "no_match": [],
        },
    )
    bundle["rules"].append(rule)
    bundle["version"] = f"{bundle['version']}+acme"
    return json.dumps(bundle, indent=1).encode()


class Publisher:
    """An admin with the real CLI: keys, a signed bundle, an atomic drop."""

    def __init__(self, root: Path):
        self.root = root
        self.published = root / "cdn" / "bundle.signed.json"
        self.published.parent.mkdir(parents=True)
        self.keys = self.generate("keys")
        self.forger = self.generate("forger-keys")
        self.source = root / "acme-ruleset.json"
        self.source.write_bytes(acme_bundle())

    def cli(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "postguard.cli", *args],
            env=cli_env(self.root / "admin-home"),
            capture_output=True,
            check=True,
            timeout=60,
        )

    def generate(self, name: str) -> Path:
        self.cli("keys", "generate", "--out", str(self.root / name))
        return self.root / name

    def drop(self, keys: Path, version: int) -> None:
        staged = self.root / "staging" / f"v{version}-{keys.name}.json"
        staged.parent.mkdir(exist_ok=True)
        self.cli(
            "rules", "sign", "--key", str(keys / "signing-key.pem"),
            "--version", str(version), str(self.source), "-o", str(staged),
        )  # fmt: skip
        os.replace(staged, self.published)  # a half-written file is never seen

    def pem(self, keys: Path) -> str:
        return (keys / "signing-key.pub.pem").read_text()


@pytest.fixture(scope="module")
def publisher(tmp_path_factory):
    return Publisher(tmp_path_factory.mktemp("publisher"))


@pytest.fixture(scope="module")
def signed_service(publisher, tmp_path_factory):
    root = tmp_path_factory.mktemp("signed-service")
    svc = Service(
        root / "home",
        root / "serve.log",
        POSTGUARD_ALLOWED_ORIGINS=json.dumps(ALLOWED_ORIGINS),
        POSTGUARD_BUNDLE_KEYS=str(publisher.keys / "signing-key.pub.pem"),
        POSTGUARD_BUNDLE_FILE=str(publisher.published),
        POSTGUARD_BUNDLE_POLL_SECONDS="1",
    ).start()
    yield svc
    svc.stop()


@pytest.fixture
def paired_to_signed(worker, service, signed_service):
    pair(worker, signed_service)
    yield signed_service
    # Leave the browser as the other tests expect it: no signed state, the
    # session's service paired (its refresh fetches that service's bundle).
    worker.evaluate(
        "chrome.storage.local.remove(['rulesBundle', 'signedBundleVersion',"
        " 'signedBundleRejection'])"
    )
    pair(worker, service)


def bundle_status(svc: Service, until, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status = svc.get("/api/v1/health")["bundle"]
        if until(status) or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def typed(compose, text: str = TEXT):
    c = compose("textarea")
    c.type(text)
    return c


def sync_pinned(worker, svc: Service, pems: list[str]) -> dict:
    """One rules sync with bundle keys pinned, as managed policy pins them."""
    return worker.evaluate(
        "(s) => globalThis.postguard.rules.sync(s)",
        {**pairing_settings(svc), "serviceTimeoutMs": 5000, "bundleKeys": pems},
    )


def test_a_signed_rule_update_reaches_the_compose_box_and_a_forged_one_does_not(
    compose, worker, publisher, paired_to_signed
):
    svc = paired_to_signed
    before = typed(compose)
    before.wait_state("clean")

    publisher.drop(publisher.keys, version=1)
    status = bundle_status(svc, lambda s: s["version"] == 1)
    assert (status["version"], status["source"]) == (1, "signed"), status

    after = typed(compose)
    after.wait_state("flagged")
    assert after.banner_attr("data-source") != "offline"
    assert RULE_NAME in after.banner_text()

    # The extension checks the same envelope itself (WebCrypto Ed25519, Chromium):
    # a key it does not pin is refused, the admin's key is accepted.
    forger_only = sync_pinned(worker, svc, [publisher.pem(publisher.forger)])
    assert forger_only == {"updated": False, "rejected": "unknown_key"}
    accepted = sync_pinned(worker, svc, [publisher.pem(publisher.keys)])
    assert accepted == {"updated": True, "version": 1}
    offline_rules = worker.evaluate(
        "globalThis.postguard.rules.offlineInputs()"
        ".then(i => [i.key, i.bundle.rules.map(r => r.id)])"
    )
    assert offline_rules[0].startswith("signed:")
    assert RULE_ID in offline_rules[1]
    assert sync_pinned(worker, svc, [publisher.pem(publisher.keys)]) == {
        "updated": False
    }  # 304: the same envelope

    # A forged bundle (version 2, signed by a key nobody pinned) is refused.
    publisher.drop(publisher.forger, version=2)
    status = bundle_status(svc, lambda s: s["last_rejection"] is not None)
    assert status["last_rejection"]["reason"] == "unknown_key", status
    assert status["version"] == 1
    assert "unknown_key" in svc.live.log()
    still = typed(compose)
    still.wait_state("flagged")
    assert RULE_NAME in still.banner_text()

    # Service down: the offline engine runs the bundle the extension verified.
    svc.stop()
    try:
        offline = typed(compose)
        offline.wait_state("flagged", timeout=10000)
        assert offline.banner_attr("data-source") == "offline"
        assert RULE_NAME in offline.banner_text()
    finally:
        svc.start()
