"""HTTP API under /api/v1: one thin blueprint per resource."""

from __future__ import annotations

from flask import Flask

from . import bench
from . import events
from . import health
from . import image
from . import rules
from . import scan


def register_blueprints(app: Flask) -> None:
    for module in (scan, image, events, health, rules):
        app.register_blueprint(module.bp)
    if app.config["BENCH_ENDPOINTS"]:
        app.register_blueprint(bench.bp)
