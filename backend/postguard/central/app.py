"""The central Flask app: admin, device and console blueprints over one Store."""

from __future__ import annotations

from flask import Flask
from flask import redirect

from .. import bundle_signing as bs
from ..errors import error_response
from ..errors import register_error_handlers
from . import api_admin
from . import api_device
from . import api_rules
from . import api_terms
from . import console
from .store import Store
from .store import StoreError
from .store import make_engine


def create_central_app(settings: dict, store: Store | None = None) -> Flask:
    app = Flask(__name__)
    # An envelope is the largest body; Werkzeug refuses more before reading it.
    app.config["MAX_CONTENT_LENGTH"] = bs.MAX_ENVELOPE_BYTES
    app.json.sort_keys = False
    if store is None:
        keys = [bs.load_public_key(spec) for spec in settings["KEYS"]]
        store = Store(
            make_engine(settings["DB"]),
            keys,
            settings["STATIC_DIR"],
            settings.get("HEALTH"),
        )
    app.extensions["central"] = store
    register_error_handlers(app)

    @app.errorhandler(StoreError)
    def _refused(exc: StoreError):
        return error_response(exc.status, exc.code, exc.message)

    @app.errorhandler(413)
    def _too_large(exc):
        return error_response(
            413, "payload_too_large", f"The body is over {bs.MAX_ENVELOPE_BYTES} bytes."
        )

    @app.get("/")
    def root():
        return redirect("/console/")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    app.register_blueprint(api_admin.bp)
    app.register_blueprint(api_device.bp)
    app.register_blueprint(api_terms.admin_bp)
    app.register_blueprint(api_terms.device_bp)
    app.register_blueprint(api_rules.bp)
    app.register_blueprint(api_rules.console_bp)
    console.init_app(app, settings)
    return app
