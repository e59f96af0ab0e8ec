"""`postguard serve` and friends at their edges: ports, usage errors, bad paths,
and an exclusive loopback bind no other process can share (T6)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest
from service_support import cli_env
from service_support import free_port
from service_support import start_service


def postguard(home, *args, **env) -> subprocess.CompletedProcess:
    """One `postguard` command in ``home``, to its end (a serve that starts
    would never end: these are the ones that must refuse)."""
    return subprocess.run(
        [sys.executable, "-m", "postguard.cli", *args],
        env=cli_env(home, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["serve", "--port", "80000"],
        ["serve", "--port", "-1"],
        ["serve", "--port", "http"],
        ["scan", "--no-such-flag"],
        ["events"],
        ["events", "shred"],
        ["rules"],
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_64_in_one_line(tmp_path, args):
    result = postguard(tmp_path / "home", *args)
    assert result.returncode == 64
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "home" / "token").exists()  # nothing was started


def test_a_port_out_of_range_in_the_settings_is_a_config_error(tmp_path):
    result = postguard(tmp_path / "home", "serve", POSTGUARD_PORT="70000")
    assert result.returncode == 78
    assert result.stderr.strip() == (
        "postguard: setting port: 70000 is out of range; use 0 to 65535"
    )


def test_export_to_a_missing_folder_is_one_line(tmp_path):
    result = postguard(
        tmp_path / "home",
        "events",
        "export",
        "--output",
        str(tmp_path / "missing" / "dir" / "events.json"),
    )
    assert result.returncode == 73
    assert result.stderr.count("\n") == 1 and "cannot write" in result.stderr


def test_port_0_picks_a_free_port_and_prints_it(tmp_path):
    server = start_service(tmp_path / "home", tmp_path / "serve.log", port=0)
    try:
        assert server.port != 0
        assert f"http://127.0.0.1:{server.port}/api/v1/" in server.log()
        status, _, body = server.request("GET", "/api/v1/health")
        assert status == 200 and json.loads(body)["status"] == "ok"
    finally:
        server.kill()


@pytest.mark.parametrize("address", ["127.0.0.1", "0.0.0.0"])
def test_a_squatter_on_the_port_stops_serve(tmp_path, address):
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind((address, 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = postguard(tmp_path / "home", "serve", "--port", str(port))
    assert result.returncode == 69
    assert "in use" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("address", ["127.0.0.1", "0.0.0.0"])
def test_nobody_can_share_the_port_once_serve_holds_it(tmp_path, address):
    server = start_service(tmp_path / "home", tmp_path / "serve.log")
    try:
        with socket.socket() as impostor:
            impostor.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if hasattr(socket, "SO_REUSEPORT"):
                impostor.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            with pytest.raises(OSError) as refused:
                impostor.bind((address, server.port))
                impostor.listen()
        assert "in use" in str(refused.value)
    finally:
        server.kill()


def test_a_second_serve_on_the_same_port_is_refused(tmp_path):
    port = free_port()
    server = start_service(tmp_path / "one", tmp_path / "one.log", port=port)
    try:
        result = postguard(tmp_path / "two", "serve", "--port", str(port))
        assert result.returncode == 69
        assert server.request("GET", "/api/v1/health")[0] == 200
    finally:
        server.kill()
