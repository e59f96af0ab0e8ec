"""The dashboard: reports from telemetry metadata (central/reports.py)."""

from __future__ import annotations

from flask import render_template

from .blueprint import bp
from .session import admin_page


@bp.get("/")
@admin_page
def dashboard():
    return render_template("console/dashboard.html")
