"""GET /api/v1/rules/signed: the envelope the service runs, for the extension."""

from __future__ import annotations

from bundle_support import bundle_with_canary_rule
from bundle_support import packaged_bundle
from bundle_support import signed
from test_service_apply import BASE_URL
from test_service_apply import NOW
from test_service_apply import TOKEN
from test_service_apply import home  # noqa: F401
from test_service_apply import make_app  # noqa: F401 - fixtures
from test_service_apply import published  # noqa: F401
from test_service_apply import settings  # noqa: F401


def get_signed(app, headers=None, token=True):
    sent = {"X-PostGuard-Token": TOKEN} if token else {}
    sent.update(headers or {})
    return app.test_client().get(
        "/api/v1/rules/signed", headers=sent, base_url=BASE_URL
    )


def test_no_signed_bundle_is_a_404(make_app):  # noqa: F811
    answer = get_signed(make_app())
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "no_signed_bundle"


def test_the_running_envelope_byte_for_byte_with_an_etag(make_app, published, key):  # noqa: F811
    app = make_app()
    envelope = signed(bundle_with_canary_rule(), key, 1, NOW)
    published.write_bytes(envelope)
    assert app.extensions["postguard_bundle"].check()
    answer = get_signed(app)
    assert answer.status_code == 200
    assert answer.data == envelope
    assert answer.headers["Cache-Control"] == "no-cache"
    etag = answer.headers["ETag"]
    assert get_signed(app, {"If-None-Match": etag}).status_code == 304


def test_a_refused_bundle_is_never_served(make_app, published, key, other_key):  # noqa: F811
    app = make_app()
    good = signed(bundle_with_canary_rule(), key, 1, NOW)
    published.write_bytes(good)
    app.extensions["postguard_bundle"].check()
    published.write_bytes(signed(packaged_bundle(), other_key, 2, NOW))
    app.extensions["postguard_bundle"].check()
    assert get_signed(app).data == good


def test_the_last_known_good_copy_is_served_after_a_restart(make_app, published, key):  # noqa: F811
    envelope = signed(bundle_with_canary_rule(), key, 1, NOW)
    published.write_bytes(envelope)
    make_app().extensions["postguard_bundle"].check()
    published.unlink()
    assert get_signed(make_app()).data == envelope


def test_the_route_needs_the_token(make_app):  # noqa: F811
    assert get_signed(make_app(), token=False).status_code in (401, 403)
