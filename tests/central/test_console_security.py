"""The console's security, with the Flask test client on SQLite and PostgreSQL:
lockout, CSRF, the two audiences kept apart, sessions, headers and cookies."""

from __future__ import annotations

import pytest
from console_support import PASSWORD
from console_support import admin_with_password
from console_support import csrf_of
from console_support import log_in
from console_support import small_envelope
from console_support import upload

from postguard.central import console_accounts


def enrolled_device(store) -> str:
    return store.enrol(store.create_enrolment_token(None, 1, 1))


def test_the_right_password_logs_in_and_the_wrong_one_does_not(store, client):
    admin_with_password(store)
    assert client.get("/console/").status_code == 302
    refused = log_in(client, password="wrong password here")
    assert refused.status_code == 401
    assert "Wrong name or password" in refused.get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    assert log_in(client).status_code == 302
    page = client.get("/console/")
    assert page.status_code == 200 and "Dashboard" in page.get_data(as_text=True)


def test_an_admin_without_a_password_or_revoked_cannot_log_in(store, client):
    store.create_admin("nopass")
    assert log_in(client, "nopass", "").status_code == 401
    admin_with_password(store, "bob")
    store.create_admin("carol")  # so bob is not the last active admin
    store.revoke_admin(None, "bob")
    assert log_in(client, "bob").status_code == 401


def test_brute_force_on_a_name_locks_it_out_even_for_the_right_password(store, client):
    admin_with_password(store)
    for _ in range(console_accounts.MAX_FAILURES["name"]):
        log_in(client, password="guess guess guess")
    locked = log_in(client)  # the right password, too late
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    # The CLI resets the password and lifts the lockout.
    store.set_password("alice", PASSWORD + "!")
    assert log_in(client, password=PASSWORD + "!").status_code == 302


def test_brute_force_from_one_client_locks_that_client_out(store, client):
    """Spraying many names from one address: the per-client count trips."""
    admin_with_password(store)
    here = {"REMOTE_ADDR": "192.0.2.7"}
    for n in range(console_accounts.MAX_FAILURES["client"]):
        log_in(client, f"user{n}", "guess guess guess", **here)
    assert log_in(client, **here).status_code == 429
    assert log_in(client, REMOTE_ADDR="192.0.2.8").status_code == 302


def test_a_post_without_the_csrf_token_is_refused(store, client, key):
    admin_with_password(store)
    # Even the login form needs it.
    refused = client.post(
        "/console/login", data={"name": "alice", "password": PASSWORD}
    )
    assert refused.status_code == 403
    assert log_in(client).status_code == 302
    envelope = small_envelope(key, 1)
    for data in ({}, {"csrf_token": "0" * 64}):
        data = {**data, "target": "all", "envelope": (_file(envelope), "b.json")}
        answer = client.post("/console/bundles", data=data)
        assert answer.status_code == 403
    assert store.bundles() == []
    # A token from another session does not do either.
    other = client.application.test_client()
    foreign = csrf_of(other)
    answer = client.post("/console/logout", data={"csrf_token": foreign})
    assert answer.status_code == 403
    assert upload(client, "/console/bundles", envelope, target="all").status_code == 302
    assert [b["version"] for b in store.bundles()] == [1]


def test_a_cross_origin_post_is_refused_even_with_the_token(store, client):
    admin_with_password(store)
    log_in(client)
    token = csrf_of(client, "/console/bundles")
    answer = client.post(
        "/console/logout",
        data={"csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert answer.status_code == 403
    assert client.get("/console/").status_code == 200  # still logged in


def test_device_credentials_open_no_console_and_no_admin_route(store, client):
    admin_with_password(store)
    bearer = {"Authorization": f"Bearer {enrolled_device(store)}"}
    for path in ("/console/", "/console/devices", "/console/reports.json"):
        answer = client.get(path, headers=bearer)
        assert answer.status_code == 302
        assert "/console/login" in answer.headers["Location"]
    for path in ("/api/v1/admin/devices", "/api/v1/admin/bundles"):
        assert client.get(path, headers=bearer).status_code == 401
    # Nor as a cookie.
    client.set_cookie("postguard_console", bearer["Authorization"][7:], path="/console")
    assert client.get("/console/").status_code == 302


def test_an_admin_session_opens_no_device_route_and_no_admin_api(store, client):
    admin_with_password(store)
    log_in(client)
    assert client.get("/console/").status_code == 200
    assert client.get("/api/v1/device/bundle").status_code == 401
    answer = client.post("/api/v1/device/status", json={"bundle_version": 1})
    assert answer.status_code == 401
    assert client.get("/api/v1/admin/devices").status_code == 401
    # The cookie is scoped to /console: the browser would not even send it.
    cookie = client.get_cookie("postguard_console", path="/console")
    assert cookie is not None and cookie.path == "/console"


def test_the_console_sets_csp_frame_ancestors_nosniff_and_strict_cookies(store, client):
    admin_with_password(store)
    login_page = client.get("/console/login")
    answer = log_in(client)
    for response in (login_page, answer, client.get("/console/")):
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "script-src 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"
    (session,) = answer.headers.getlist("Set-Cookie")[:1]
    (before_login,) = login_page.headers.getlist("Set-Cookie")
    assert session.startswith("postguard_console=")
    assert before_login.startswith("postguard_console_login=")
    for cookie in (session, before_login):
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert "Path=/console" in cookie
    # Opened on a loopback address over http: not Secure (the browser would drop it).
    assert "Secure" not in session


@pytest.mark.parametrize(
    ("setting", "host", "secure"),
    [
        ("auto", "central.example.com", True),
        ("auto", "127.0.0.1:17660", False),
        ("1", "127.0.0.1:17660", True),
        ("0", "central.example.com", False),
    ],
)
def test_the_session_cookie_is_secure_unless_on_loopback_or_told(
    store, setting, host, secure
):
    from postguard.central.app import create_central_app

    admin_with_password(store)
    app = create_central_app({"COOKIE_SECURE": setting}, store)
    client = app.test_client()
    base = {"base_url": f"http://{host}"}
    page = client.get("/console/login", **base)
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1][:64]
    answer = client.post(
        "/console/login",
        data={"name": "alice", "password": PASSWORD, "csrf_token": token},
        **base,
    )
    (session,) = [
        c
        for c in answer.headers.getlist("Set-Cookie")
        if c.startswith("postguard_console=")
    ]
    assert ("; Secure" in session) is secure


def test_logout_ends_the_session_on_the_server(store, client):
    admin_with_password(store)
    log_in(client)
    secret = client.get_cookie("postguard_console", path="/console").value
    token = csrf_of(client, "/console/audit")
    assert client.post("/console/logout", data={"csrf_token": token}).status_code == 302
    assert store.console_admin(secret) is None
    # Replaying the old cookie does not log back in.
    client.set_cookie("postguard_console", secret, path="/console")
    assert client.get("/console/").status_code == 302


def test_sessions_expire_when_idle_and_at_the_latest_after_their_lifetime(
    store, client, monkeypatch
):
    from datetime import datetime
    from datetime import timedelta
    from datetime import timezone

    admin_with_password(store)
    log_in(client)
    secret = client.get_cookie("postguard_console", path="/console").value
    start = console_accounts.utcnow()
    clock = [start + console_accounts.IDLE + timedelta(seconds=1)]
    monkeypatch.setattr(console_accounts, "utcnow", lambda: clock[0])
    assert store.console_admin(secret) is None
    assert client.get("/console/").status_code == 302

    # Used every 29 minutes, a session still ends after its lifetime.
    monkeypatch.undo()
    log_in(client)
    secret = client.get_cookie("postguard_console", path="/console").value
    monkeypatch.setattr(console_accounts, "utcnow", lambda: clock[0])
    clock[0] = datetime.now(timezone.utc)
    step = console_accounts.IDLE - timedelta(minutes=1)
    elapsed = timedelta(0)
    while elapsed + step < console_accounts.LIFETIME:
        clock[0] += step
        elapsed += step
        assert store.console_admin(secret) is not None
    clock[0] += step
    assert store.console_admin(secret) is None


def test_a_new_password_ends_the_admins_sessions(store, client):
    admin_with_password(store)
    log_in(client)
    store.set_password("alice", "another long password")
    assert client.get("/console/").status_code == 302


def test_login_goes_back_only_to_console_pages(store, client):
    admin_with_password(store)
    for target, expected in (
        ("/console/devices", "/console/devices"),
        ("https://evil.example/", "/console/"),
        ("//evil.example/console/", "/console/"),
    ):
        client.delete_cookie("postguard_console", path="/console")
        token = csrf_of(client)
        answer = client.post(
            "/console/login",
            data={
                "name": "alice",
                "password": PASSWORD,
                "csrf_token": token,
                "next": target,
            },
        )
        assert answer.headers["Location"] == expected


def _file(data: bytes):
    import io

    return io.BytesIO(data)
