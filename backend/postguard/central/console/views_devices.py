"""Devices: each group's versions and rejection reasons, every device with
its problems (stale, rejected), and moving devices into a pilot group."""

from __future__ import annotations

from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from .. import reports
from ..errors import StoreError
from .blueprint import bp
from .blueprint import refused as _refused
from .blueprint import store
from .session import admin_page

PROBLEMS = ("stale", "rejected")


def _page(status: int = 200, error: str | None = None, notice: str | None = None):
    problem = request.args.get("problem")
    problem = problem if problem in PROBLEMS else None
    everyone = store().devices()
    listed = everyone if problem is None else store().devices(problem)
    body = render_template(
        "console/devices.html",
        devices=listed,
        fleet=reports.fleet(everyone),
        problem=problem,
        error=error,
        notice=notice,
    )
    return body, status


@bp.get("/devices")
@admin_page
def devices():
    moved = request.args.get("moved", type=int)
    return _page(notice=f"{moved} device(s) moved." if moved else None)


@bp.post("/devices/group")
@admin_page
def group_devices():
    ids = request.form.getlist("device_id")
    group = request.form.get("group", "").strip() or None
    try:
        moved = store().set_group(g.admin, group, ids)
    except StoreError as exc:
        return _page(exc.status, _refused(exc))
    return redirect(url_for("console.devices", moved=moved))
