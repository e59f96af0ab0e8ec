"""The console's navigation: one entry per page, in menu order."""

from __future__ import annotations

from typing import NamedTuple

from flask import request
from flask import url_for


class NavItem(NamedTuple):
    endpoint: str
    label: str


NAV = [
    NavItem("console.dashboard", "Dashboard"),
    NavItem("console.bundles", "Publishing"),
    NavItem("console.devices", "Devices"),
    NavItem("console.rules", "Rules"),
    NavItem("console.playground", "Playground"),
    NavItem("console.eval_sets", "Evaluation sets"),
    NavItem("console.terms", "Confidential terms"),
    NavItem("console.audit", "Audit log"),
]


def items() -> list[dict]:
    """For base.html: each entry's URL and whether it is the page shown."""
    return [
        {
            "url": url_for(item.endpoint),
            "label": item.label,
            "current": request.endpoint == item.endpoint,
        }
        for item in NAV
    ]
