"""The Flask app factory for the local check service (served by ``postguard serve``)."""

from __future__ import annotations

import hashlib
import json
import os

from flask import Flask

from . import config
from . import extension_versions
from . import org_lists
from . import security
from .api import register_blueprints
from .api.validate import Schemas
from .api.validate import load_openapi
from .audit import AuditStore
from .bundle_signing import KeyFileError
from .bundle_updates import BundleUpdater
from .central_client import CentralPoller
from .errors import register_error_handlers
from .image_rules import RULE_IDS as IMAGE_RULE_IDS
from .install_token import ensure_token
from .paragraph_cache import DraftScanner
from .policy import Policy
from .rate_limit import RateLimiter
from .services import Services
from .signing import NonceLedger
from .telemetry import Telemetry
from .term_keys import TermKeys


def _served_bundle(raw: bytes, bundle: dict, policy: Policy, org: dict) -> bytes:
    """The bundle the extension gets (and this service runs): with the policy this
    service applies and the organisation's lists (``org``), so its offline engine
    finds and decides the same way."""
    if bundle.get("policy") == policy.data and bundle.get("org") == (org or None):
        return raw
    served = {**bundle, "policy": policy.data}
    served.pop("org", None)
    if org:
        served["org"] = org
    return (json.dumps(served, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _load_engine(settings, raw: bytes | None):
    from .engine import BundleError
    from .engine import Engine  # imported here: the engine is the heavy part

    bundle = settings["RULES_BUNDLE"]
    keys = TermKeys(settings["HOME"]).all()
    if raw is not None:
        # A verified signed bundle; errors reject the update.
        return Engine(raw, term_keys=keys)
    try:
        if bundle:
            return Engine.load(bundle, term_keys=keys)
        return Engine.load(term_keys=keys)
    except (BundleError, OSError, ValueError) as exc:
        raise config.ConfigError(
            f"cannot load the rule bundle {bundle or '(packaged)'}: {exc}"
        ) from None


def rule_parts(settings, raw: bytes | None = None) -> dict:
    """The Services fields that depend on the rule bundle: ``raw`` (verified
    signed-bundle payload) or, when None, ``rules_bundle`` / the packaged one."""
    from .engine import BundleError
    from .engine import Engine
    from .engine.guards import RULE_IDS as GUARD_RULE_IDS
    from .engine.org import possible_rule_ids

    engine = _load_engine(settings, raw)
    # A draft of max_chars characters must fit in one request, at the worst JSON
    # encoding (a \uXXXX escape, 6 bytes, per character) plus the other fields.
    needed = engine.max_chars * 6 + 16 * 1024
    if settings["MAX_CONTENT_LENGTH"] < needed:
        raise config.ConfigError(
            f"setting max_content_length: {settings['MAX_CONTENT_LENGTH']} bytes "
            f"cannot carry a draft of the bundle's max_chars ({engine.max_chars}); "
            f"use at least {needed}"
        )
    bundle_data = json.loads(engine.bundle_bytes)
    policy = Policy.load(settings["POLICY_FILE"], bundle_data)
    # A policy file replaces the bundle's policy, lists included (the build moves
    # the default policy's lists into the bundle's `org`).
    if settings["POLICY_FILE"]:
        policy_lists, source = policy.org_lists, settings["POLICY_FILE"]
    else:
        policy_lists, source = bundle_data.get("org") or {}, "the rule bundle"
    org = org_lists.collect(settings, policy_lists, source, engine.compiled.table)
    served = _served_bundle(engine.bundle_bytes, bundle_data, policy, org)
    if org != (bundle_data.get("org") or {}):
        # The lists become rules when an engine loads the bundle: run what is served.
        try:
            engine = Engine(served, term_keys=TermKeys(settings["HOME"]).all())
        except BundleError as exc:
            raise config.ConfigError(
                f"internal_domains / confidential_terms: {exc}"
            ) from None
    known = frozenset(rule.id for rule in engine.compiled.rules)
    if "guards" in bundle_data:  # the context guards report under their own ids
        known |= GUARD_RULE_IDS
    known |= IMAGE_RULE_IDS  # the image checks' built-in ids (image_rules.py)
    # Every id the organisation lists can become counts as known, set or not.
    policy.check_simulated_ids(
        known | possible_rule_ids(bundle_data.get("org_rules")),
        settings["POLICY_FILE"],
    )
    return {
        "engine": engine,
        "policy": policy,
        "scanner": DraftScanner(
            engine,
            settings["PARAGRAPH_CACHE_ENTRIES"],
            settings["PARAGRAPH_SPLIT_MIN_CHARS"],
        ),
        # The only rule ids the events endpoint accepts (with the lists' rules).
        "known_rule_ids": known,
        "bundle_bytes": served,
        "bundle_etag": hashlib.sha256(served).hexdigest(),
    }


def _shared_parts(settings) -> dict:
    """The Services fields that outlive a rule update."""
    return {
        "audit": AuditStore(settings["AUDIT_DB"], settings["AUDIT_RETENTION_DAYS"]),
        "limiter": RateLimiter(
            settings["RATE_LIMIT_PER_SECOND"], settings["RATE_LIMIT_BURST"]
        ),
        "nonces": NonceLedger(),
        "schemas": Schemas(load_openapi()),
    }


def _bundle_updater(app: Flask) -> BundleUpdater:
    settings = app.config
    if settings["BUNDLE_FILE"] and not settings["BUNDLE_KEYS"]:
        raise config.ConfigError("setting bundle_file needs bundle_keys to pin")
    shared: dict = {}

    def build(raw: bytes | None) -> Services:
        if not shared:
            shared.update(_shared_parts(settings))
        return Services(**shared, **rule_parts(settings, raw))

    def publish(new: Services) -> None:
        app.extensions["postguard"] = new  # one assignment: old or new, never a mix

    try:
        return BundleUpdater(settings, build, publish)
    except KeyFileError as exc:
        raise config.ConfigError(f"setting bundle_keys: {exc}") from None


def create_app(test_config=None) -> Flask:
    """Build the app.

    Settings come from the config file and POSTGUARD_* variables, or, when
    ``test_config`` is given, from the defaults overlaid with that mapping.
    Raises ``ConfigError``/``PolicyError`` with a message fit for the console.
    """
    app = Flask(__name__)
    if test_config is None:
        settings = config.load(os.environ)
    else:
        settings = config.from_mapping(test_config)
    app.config.from_mapping(settings)
    if not app.config.get("TOKEN"):
        app.config["TOKEN"], _ = ensure_token(app.config["TOKEN_FILE"])
    app.json.sort_keys = False  # keep the documented field order
    updater = _bundle_updater(app)
    app.extensions["postguard"] = updater.initial_services()
    app.extensions["postguard_bundle"] = updater
    updater.check()  # a bundle already waiting runs from the first request
    if app.config["CENTRAL_URL"] and not updater.enabled:
        raise config.ConfigError("setting central_url needs bundle_keys to pin")
    register_error_handlers(app)
    security.init_app(app)
    versions = extension_versions.init_app(app)  # after security: checked requests
    if app.config["CENTRAL_URL"]:
        telemetry = None
        if app.config["TELEMETRY"]:
            telemetry = Telemetry(
                app.config["HOME"],
                app.config["TELEMETRY_MAX_ROWS"],
                app.config["TELEMETRY_FLUSH_SECONDS"],
            )
            app.extensions["postguard_telemetry"] = telemetry
        app.extensions["postguard_central"] = CentralPoller(
            app.config,
            updater,
            platforms=lambda: app.extensions["postguard"].policy.platforms,
            extension_versions=versions.current,
            telemetry=telemetry,
        )
        poller = app.extensions["postguard_central"]
        poller.after_poll.append(
            lambda: poller.fetch_term_key(app.extensions["postguard"].engine)
        )
    register_blueprints(app)
    return app


def start_background_tasks(app: Flask) -> None:
    """Watch ``bundle_file`` and poll central (or follow the worker that polls) in
    this process. Call it in each gunicorn worker, after the fork
    (``post_worker_init``): threads started before a fork do not run in the child.
    """
    app.extensions["postguard_bundle"].start()
    if "postguard_central" in app.extensions:
        app.extensions["postguard_central"].start()
    if "postguard_telemetry" in app.extensions:
        app.extensions["postguard_telemetry"].counter.start()
