"""The audit log: every admin action, newest first."""

from __future__ import annotations

from flask import render_template

from .blueprint import bp
from .blueprint import store
from .session import admin_page

SHOWN = 500


@bp.get("/audit")
@admin_page
def audit():
    rows = store().audit()[::-1][:SHOWN]
    return render_template("console/audit.html", rows=rows, shown=SHOWN)
