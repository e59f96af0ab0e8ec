"""E2E fixtures: the real service, the real extension, real headless Chromium.

- ``service``: ``postguard serve`` (gunicorn) on a free loopback port with a
  temporary POSTGUARD_HOME; ``events()`` reads its audit log through the CLI.
- ``browser``: one persistent Chromium context with the unpacked extension
  (``--load-extension``), paired with the service through the options storage.
- ``compose``: opens a fixture page and returns a ``Composer`` driver.

Recipe: shared/guides/browser-e2e.md. Tests wait for the banner's data-state,
never for time, except to show that nothing was posted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from e2e_driver import Composer
from fixtures.serve import CHROMIUM
from fixtures.serve import CHROMIUM_ARGS
from fixtures.serve import page_config
from fixtures.serve import route_platform
from fixtures.serve import serve_fixtures

from postguard.testing import LiveService
from postguard.testing import cli_env
from postguard.testing import free_port
from postguard.testing import start_service

REPO = Path(__file__).resolve().parents[2]
EXTENSION_DIR = REPO / "extension"
EXTENSION_ID = "bdjldkhffmlmhngiojpjiponmegeadcm"
# Firefox gives each profile a random moz-extension:// origin unless a pref pins
# it (docs/firefox.md); the Firefox suite pins this one, so the service allows it.
FIREFOX_UUID = "5e1f0c2a-7b3d-4c8e-9a6f-2d4b8e0c1a73"
ALLOWED_ORIGINS = [
    f"chrome-extension://{EXTENSION_ID}",
    f"moz-extension://{FIREFOX_UUID}",
]
PERF_OUT = REPO / "build" / "perf"
DEFAULT_POLICY = REPO / "shared_rules" / "policy.yaml"
# The context guards' admin policy (issue 14): an organisation, its official
# handle and a quiet period; "#AcmeEmployee" is what "Add disclosure" inserts.
ACME_DISCLOSURE = "#AcmeEmployee"
ACME_WINDOW = "Q3 earnings blackout"


class Service:
    """A real `postguard serve` (postguard.testing) that keeps its port across
    stop() / start(), for the offline tests."""

    def __init__(self, home: Path, log: Path, **env: str):
        self.home = home
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.live: LiveService | None = None

    @property
    def proc(self):
        return self.live.process if self.live else None

    @property
    def token(self) -> str:
        return (self.home / "token").read_text().strip()

    def _cli(self, *args: str) -> str:
        out = subprocess.run(
            [sys.executable, "-m", "postguard.cli", *args],
            env=cli_env(self.home, **self.env),
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        return out.stdout

    def start(self) -> Service:
        self.live = start_service(self.home, self.log, port=self.port, **self.env)
        return self

    def stop(self) -> None:
        if self.live:
            self.live.stop()
        self.live = None

    def events(self) -> list[dict]:
        return json.loads(self._cli("events", "export", "--format", "json") or "[]")

    def get(self, path: str) -> dict:
        """A GET as the CLI makes it (plain token header, no Origin)."""
        status, _, body = self.live.request("GET", path)
        assert status == 200, status
        return json.loads(body)


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    root = tmp_path_factory.mktemp("service")
    svc = Service(
        root / "home",
        root / "serve.log",
        POSTGUARD_ALLOWED_ORIGINS=json.dumps(ALLOWED_ORIGINS),
    ).start()
    yield svc
    svc.stop()


def acme_policy(start: date, end: date, **extra) -> dict:
    """The default policy plus Acme (names, the official @AcmeSupport, its
    disclosures), one quiet period from `start` to `end`, and `extra` keys."""
    policy = yaml.safe_load(DEFAULT_POLICY.read_text(encoding="utf-8"))
    policy["organization"] = {
        "names": ["Acme", "Acme Corp"],
        # Bluesky handles are domains; a platform the policy does not list is
        # compared with every platform's handles.
        "handles": {
            "x": ["@AcmeSupport", "@Acme"],
            "bluesky": ["@acmesupport.bsky.social"],
        },
        "disclosure": [ACME_DISCLOSURE, "#employee", "I work at Acme"],
    }
    policy["quiet_periods"] = [
        {"name": ACME_WINDOW, "start": start.isoformat(), "end": end.isoformat()}
    ]
    policy.update(extra)
    return policy


def start_with_policy(root: Path, policy: dict) -> Service:
    """A service in `root` that runs the admin policy `policy`."""
    path = root / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")
    return Service(
        root / "home",
        root / "serve.log",
        POSTGUARD_ALLOWED_ORIGINS=json.dumps(ALLOWED_ORIGINS),
        POSTGUARD_POLICY_FILE=str(path),
    ).start()


@pytest.fixture(scope="session")
def acme_service(tmp_path_factory):
    """Today inside Acme's quiet period; the product reminder blocks in public
    posts and only warns in direct messages; the financial-promotion pack is on."""
    today = date.today()
    policy = acme_policy(
        today - timedelta(days=1),
        today + timedelta(days=30),
        regulated_packs=["financial-promotion"],
        audiences={
            "public": {"rules": {"affiliation-disclosure": "block"}},
            "dm": {"rules": {"affiliation-disclosure": "warn"}},
        },
    )
    svc = start_with_policy(tmp_path_factory.mktemp("acme"), policy)
    yield svc
    svc.stop()


@pytest.fixture
def with_acme(acme_service, service, browser):
    """The browser paired with the Acme service for one test, then back."""
    pair(browser.postguard_worker, acme_service)
    yield acme_service
    pair(browser.postguard_worker, service)


@pytest.fixture(scope="session")
def fixture_server():
    server = serve_fixtures()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def pairing_settings(service: Service, **extra) -> dict:
    return {
        "serviceUrl": service.url,
        "token": service.token,
        "enabledSites": ["127.0.0.1"],
        "debounceMs": 300,
        **extra,
    }


def pair(worker, service: Service, **extra) -> None:
    """Write the pairing into the options storage, as the options page does,
    and wait until the worker has registered the content script for 127.0.0.1."""
    worker.evaluate(
        "async (s) => { await chrome.storage.local.set({settings: s});"
        " await globalThis.postguard.refresh(); }",
        pairing_settings(service, **extra),
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ids = worker.evaluate(
            "chrome.scripting.getRegisteredContentScripts().then(s => s.map(x => x.id))"
        )
        if "postguard-extra-sites" in ids:
            return
        time.sleep(0.05)
    raise RuntimeError("the extension did not register its content script")


@pytest.fixture(scope="session")
def browser(playwright_driver, service, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: run ./scripts/test (it installs one), or "
            "set POSTGUARD_CHROMIUM to a Chromium binary"
        )
    profile = tmp_path_factory.mktemp("profile")
    ctx = playwright_driver.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=os.environ.get("E2E_HEADED") != "1",
        args=[
            *CHROMIUM_ARGS,
            f"--disable-extensions-except={EXTENSION_DIR}",
            f"--load-extension={EXTENSION_DIR}",
        ],
    )
    worker = (
        ctx.service_workers[0]
        if ctx.service_workers
        else ctx.wait_for_event("serviceworker")
    )
    assert worker.url.split("/")[2] == EXTENSION_ID
    pair(worker, service)
    ctx.postguard_worker = worker
    yield ctx
    ctx.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def worker(browser):
    return browser.postguard_worker


@pytest.fixture
def compose(browser, fixture_server):
    """compose("quill") opens that fixture page; compose("x", platform=True)
    serves the platform fixture under its real site URL."""
    pages = []

    def open_page(
        name: str, platform: bool = False, variant: str = "", query: str = ""
    ) -> Composer:
        page = browser.new_page()
        pages.append(page)
        if platform:
            route_platform(page, name, variant=variant or None)
            url = page_config(name, variant or None)["url"]
        else:
            query = "&".join(filter(None, [variant and f"variant={variant}", query]))
            url = fixture_server.url(name, query)
        composer = Composer.open(page, url)
        shown = composer.page.evaluate("window.__fixture.variant")
        assert shown == (variant or "default"), f"fixture variant {shown}"
        return composer

    yield open_page
    for page in pages:
        page.close()


@pytest.fixture(scope="session")
def perf_log():
    """Collected performance measures, written to build/perf/ at the end."""
    collected: dict[str, list[float]] = {}
    yield collected
    if collected:
        PERF_OUT.mkdir(parents=True, exist_ok=True)
        (PERF_OUT / "extension-e2e.json").write_text(json.dumps(collected, indent=1))
