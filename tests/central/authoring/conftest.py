"""Fixtures of the rule-authoring tests; the store, client and both databases
come from tests/central/conftest.py."""

from __future__ import annotations

import pytest
from authoring_support import bearer


@pytest.fixture(scope="session")
def workspace():
    """One workspace for the session: loading 400 packaged rules per test
    would cost more than the tests."""
    from postguard.central.rule_workspace import RuleWorkspace

    return RuleWorkspace.locate()


@pytest.fixture
def rules_client(store, workspace):
    from postguard.central.app import create_central_app

    app = create_central_app({}, store)
    app.extensions["central_rules"] = workspace
    return app.test_client()


@pytest.fixture
def admin(store):
    return bearer(store.create_admin("alice"))
