"""`postguard keys generate`, `rules sign` and `rules verify`, run as a user would."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
from bundle_support import packaged_bundle

from postguard import bundle_signing as bs


def cli(*args, cwd=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTGUARD_")}
    return subprocess.run(
        [sys.executable, "-m", "postguard.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    root = tmp_path_factory.mktemp("keys")
    result = cli("keys", "generate", "--out", root / "k")
    assert result.returncode == 0, result.stderr
    return root / "k"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    path = tmp_path_factory.mktemp("bundle") / "ruleset.json"
    path.write_bytes(packaged_bundle())
    return path


def test_generate_writes_a_user_only_private_key_and_a_public_key(keys):
    private, public = keys / "signing-key.pem", keys / "signing-key.pub.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert bs.load_private_key(private).public_key() == bs.load_public_key(str(public))


def test_generate_makes_the_private_key_0600_even_under_a_permissive_umask(tmp_path):
    code = (
        "import os, sys; os.umask(0); from postguard.cli import main; "
        f"sys.exit(main(['keys', 'generate', '--out', {str(tmp_path / 'k')!r}]))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert result.returncode == 0
    mode = stat.S_IMODE((tmp_path / "k" / "signing-key.pem").stat().st_mode)
    assert mode == 0o600


def test_generate_never_overwrites_a_key(keys):
    before = (keys / "signing-key.pem").read_bytes()
    result = cli("keys", "generate", "--out", keys)
    assert result.returncode == 73
    assert "exists" in result.stderr
    assert (keys / "signing-key.pem").read_bytes() == before


def test_sign_then_verify_and_the_version_counts_up(keys, bundle, tmp_path):
    out = tmp_path / "pub" / "bundle.signed.json"
    out.parent.mkdir()
    key, pub = keys / "signing-key.pem", keys / "signing-key.pub.pem"
    first = cli("rules", "sign", "--key", key, bundle, "-o", out)
    assert first.returncode == 0, first.stderr
    assert "version 1" in first.stdout
    second = cli("rules", "sign", "--key", key, bundle, "-o", out)
    assert "version 2" in second.stdout
    state = json.loads((out.parent / "postguard-sign-state.json").read_text())
    assert state == {"last_version": 2}
    verified = cli("rules", "verify", "--pubkey", pub, out)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("ok: version 2,")
    replay = cli("rules", "sign", "--key", key, "--version", "2", bundle, "-o", out)
    assert replay.returncode == 1
    assert "rollback" in replay.stderr
    assert cli(
        "rules", "verify", "--pubkey", pub, "--min-version", "2", out
    ).stderr == ("postguard: rejected: rollback: version 2 is not newer than 2\n")


@pytest.mark.parametrize(
    ("at", "reason"),
    [("2020-01-01T00:00:00Z", "not_yet_valid"), ("2999-01-01T00:00:00Z", "expired")],
)
def test_verify_at_another_moment(keys, bundle, tmp_path, at, reason):
    out = tmp_path / "b.signed.json"
    cli("rules", "sign", "--key", keys / "signing-key.pem", bundle, "-o", out)
    result = cli(
        "rules", "verify", "--pubkey", keys / "signing-key.pub.pem", "--at", at, out
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"postguard: rejected: {reason}: ")


def test_verify_names_the_reason_for_tampering_and_unknown_keys(keys, bundle, tmp_path):
    out = tmp_path / "b.signed.json"
    cli("rules", "sign", "--key", keys / "signing-key.pem", bundle, "-o", out)
    pub = keys / "signing-key.pub.pem"
    envelope = json.loads(out.read_bytes())
    envelope["header"] = envelope["header"].replace('"version":1', '"version":9')
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(envelope))
    result = cli("rules", "verify", "--pubkey", pub, tampered)
    assert (result.returncode, "bad_signature") == (1, result.stderr.split(": ")[2])
    stranger = tmp_path / "other"
    cli("keys", "generate", "--out", stranger)
    result = cli("rules", "verify", "--pubkey", stranger / "signing-key.pub.pem", out)
    assert result.returncode == 1 and "unknown_key" in result.stderr
    # Rotation: with both keys pinned, the bundle verifies again.
    result = cli(
        "rules", "verify", "--pubkey", stranger / "signing-key.pub.pem",
        "--pubkey", pub, out,
    )  # fmt: skip
    assert result.returncode == 0


def test_verify_refuses_an_oversized_or_malformed_file(keys, tmp_path):
    pub = keys / "signing-key.pub.pem"
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    result = cli("rules", "verify", "--pubkey", pub, huge)
    assert result.returncode == 1 and "too_large" in result.stderr
    junk = tmp_path / "junk.json"
    junk.write_text("{]")
    result = cli("rules", "verify", "--pubkey", pub, junk)
    assert result.returncode == 1 and "malformed" in result.stderr


def test_usage_and_missing_files(keys, tmp_path):
    pub = keys / "signing-key.pub.pem"
    assert cli("rules", "verify", tmp_path / "x").returncode == 64  # no --pubkey
    assert cli("rules", "verify", "--pubkey", pub, tmp_path / "x").returncode == 66
    missing = cli(
        "rules", "sign", "--key", tmp_path / "nokey", pub, "-o", tmp_path / "o"
    )
    assert missing.returncode == 66
    not_a_bundle = cli(
        "rules", "sign", "--key", keys / "signing-key.pem", pub, "-o", tmp_path / "o"
    )
    assert not_a_bundle.returncode == 1
    assert "not a compiled rule bundle" in not_a_bundle.stderr
    bad_time = cli("rules", "verify", "--pubkey", pub, "--at", "yesterday", pub)
    assert bad_time.returncode == 64
