"""Fixtures for the local check service: an in-process app and a real server.

``app``/``api`` build the Flask app with the real engine and packaged policy in a
temporary home; ``live_server`` runs the real ``postguard serve`` (gunicorn) on a
free loopback port and talks HTTP to it.
"""

from __future__ import annotations

import pytest
from service_support import PORT
from service_support import TOKEN
from service_support import Api
from service_support import start_service

from postguard.app import create_app


@pytest.fixture
def settings(tmp_path):
    return {
        "TOKEN": TOKEN,
        "HOME": str(tmp_path / "home"),
        "PORT": PORT,
        "TESTING": True,
    }


@pytest.fixture
def app(settings):
    app = create_app(settings)
    yield app
    app.extensions["postguard"].audit.close()


@pytest.fixture
def api(app):
    return Api(app.test_client())


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("live")
    server = start_service(root / "home", root / "serve.log")
    yield server
    server.kill()
