"""The console's confidential-terms page: a new version per upload, the list
never shown back (not on the page, in errors or in the audit log), and the
hashed form to download for `postguard rules add-terms`."""

from __future__ import annotations

import io

from console_support import admin_with_password
from console_support import csrf_of
from console_support import log_in

TERMS = "- Project Falcon\n- {term: Bluebird, severity: critical, proximity: false}\n"


def post(client, **form):
    data = {"csrf_token": csrf_of(client, "/console/terms"), **form}
    return client.post("/console/terms", data=data)


def test_an_upload_makes_a_version_and_no_page_shows_a_term(store, client):
    assert client.get("/console/terms").status_code == 302  # login first
    admin_with_password(store)
    log_in(client)
    saved = post(client, terms=TERMS)
    assert saved.status_code == 302
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Term list version 1 saved" in page
    again = post(client, file=(io.BytesIO(TERMS.encode()), "terms.yaml"))
    assert again.status_code == 302
    page = client.get("/console/terms").get_data(as_text=True)
    listed = [v["version"] for v in store.term_lists()]
    assert listed == [1, 2]
    keys = {v["key_id"] for v in store.term_lists()}
    assert len(keys) == 2 and all(k in page for k in keys)  # a new key each time
    hashed = client.get("/console/terms/2/hashed-terms.json")
    assert hashed.status_code == 200
    assert "attachment" in hashed.headers["Content-Disposition"]
    assert hashed.get_json()["list_version"] == 2
    shown = " ".join([page, hashed.get_data(as_text=True), str(store.audit())]).lower()
    assert "falcon" not in shown and "bluebird" not in shown


def test_a_broken_list_is_refused_without_quoting_it(store, client):
    admin_with_password(store)
    log_in(client)
    for bad in ("- {term: [Falcon", "", "- {term: Falcon, colour: red}"):
        answer = post(client, terms=bad)
        assert answer.status_code == 400
        assert "falcon" not in answer.get_data(as_text=True).lower()
    assert store.term_lists() == []
    refused = client.post("/console/terms", data={"terms": TERMS})  # no CSRF token
    assert refused.status_code == 403
    assert store.term_lists() == []
