"""The authoring pages in the console: each page is behind the login, and its
scripts reach the authoring API under /console/api with the session cookie and
the CSRF header, never with an admin token alone."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))
from console_support import admin_with_password  # noqa: E402
from console_support import csrf_of  # noqa: E402
from console_support import log_in  # noqa: E402

SAMPLE = {"text": "card 4111 1111 1111 1111", "platform": "x", "bundle": "drafts"}


@pytest.mark.parametrize(
    ("path", "script"),
    [
        ("/console/rules", "console/rules.js"),
        ("/console/playground", "console/playground.js"),
        ("/console/eval-sets", "console/eval_sets.js"),
    ],
)
def test_each_authoring_page_needs_a_login_and_loads_its_script(
    store, rules_client, path, script
):
    assert rules_client.get(path).status_code == 302  # to the login page
    admin_with_password(store)
    assert log_in(rules_client).status_code == 302
    page = rules_client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"/console/static/{script}" in html
    assert 'name="csrf-token"' in html
    assert "<script>" not in html  # the CSP allows no inline script


def test_the_console_api_runs_the_playground_for_a_logged_in_admin_only(
    store, rules_client, admin
):
    refused = rules_client.post("/console/api/playground", json=SAMPLE)
    assert refused.status_code in (401, 403)
    # An admin token opens the JSON API, not its console mount.
    with_token = rules_client.post(
        "/console/api/playground", json=SAMPLE, headers=admin
    )
    assert with_token.status_code in (401, 403)
    admin_with_password(store, "bob")
    log_in(rules_client, "bob")
    token = csrf_of(rules_client, "/console/playground")
    no_csrf = rules_client.post("/console/api/playground", json=SAMPLE)
    assert no_csrf.status_code == 403
    answer = rules_client.post(
        "/console/api/playground", json=SAMPLE, headers={"X-CSRF-Token": token}
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["verdict"] != "allow"
    listed = rules_client.get("/console/api/rules")
    assert listed.status_code == 200
