"""The dashboard and its exports: reports from telemetry metadata only
(central/reports.py) and fleet counts from device status."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request

from .. import reports
from ..models import utcnow
from .blueprint import bp
from .blueprint import store
from .session import admin_page

DAYS = (7, 30, 90)


def _report():
    days = request.args.get("days", 30, type=int)
    days = days if days in DAYS else 30
    min_devices = current_app.config["CONSOLE"]["REPORT_MIN_DEVICES"]
    return reports.build(store(), days, min_devices), reports.fleet(store().devices())


def _chart(report: reports.Report, fleet: dict) -> dict:
    """What static/dashboard.js draws: every day of the window on the x axis."""
    today = utcnow().date()
    days = [
        (today - timedelta(days=n)).isoformat() for n in range(report.days - 1, -1, -1)
    ]
    cells = {(c["day"], c["category"]): c["findings"] for c in report.by_category_day}
    categories = sorted({c["category"] for c in report.by_category_day})
    return {
        "days": days,
        "categories": [
            {"label": cat, "data": [cells.get((day, cat)) for day in days]}
            for cat in categories
        ],
        "versions": fleet["by_version"],
    }


@bp.get("/")
@admin_page
def dashboard():
    report, fleet = _report()
    return render_template(
        "console/dashboard.html",
        report=report,
        fleet=fleet,
        chart=_chart(report, fleet),
        day_choices=DAYS,
    )


@bp.get("/reports.json")
@admin_page
def report_json():
    report, fleet = _report()
    response = jsonify(report.as_dict() | {"fleet": fleet})
    response.headers["Content-Disposition"] = (
        "attachment; filename=postguard-report.json"
    )
    return response


@bp.get("/reports.csv")
@admin_page
def report_csv():
    report, fleet = _report()
    out = io.StringIO()
    csv.writer(out).writerows(reports.csv_rows(report, fleet))
    return current_app.response_class(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=postguard-report.csv"},
    )
