"""Helpers for the console's tests: an admin with a password, and logging in
through the real login form (its CSRF token included)."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery staple"
TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf_of(client, path: str = "/console/login") -> str:
    page = client.get(path)
    found = TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def admin_with_password(store, name: str = "alice") -> str:
    """Creates the admin; returns its API token."""
    token = store.create_admin(name)
    store.set_password(name, PASSWORD)
    return token


def log_in(client, name: str = "alice", password: str = PASSWORD, **environ):
    token = csrf_of(client)
    return client.post(
        "/console/login",
        data={"name": name, "password": password, "csrf_token": token},
        environ_base=environ,
    )


def small_envelope(key, version: int, rules: str = "console-test") -> bytes:
    """A signed envelope under 500 KB: Werkzeug's test client spools larger
    multipart bodies to a temporary file it never closes (a ResourceWarning)."""
    from bundle_support import signed

    from postguard.central.models import utcnow

    payload = b'{"version": "%s", "rules": []}' % rules.encode()
    return signed(payload, key, version, utcnow())


def upload(client, path: str, envelope: bytes, **form):
    """POSTs ``envelope`` as the form's file, with the page's CSRF token."""
    import io

    data = {"csrf_token": csrf_of(client, "/console/bundles"), **form}
    data["envelope"] = (io.BytesIO(envelope), "bundle.signed.json")
    return client.post(path, data=data)
