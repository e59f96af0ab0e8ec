"""Rule authoring pages: drafts, the playground and evaluation sets. The pages
are static; their scripts call the authoring API under /console/api
(api_rules.py), with the session cookie and the CSRF header."""

from __future__ import annotations

from flask import render_template

from .blueprint import bp
from .session import admin_page


@bp.get("/rules")
@admin_page
def rules():
    return render_template("console/rules.html")


@bp.get("/playground")
@admin_page
def playground():
    return render_template("console/playground.html")


@bp.get("/eval-sets")
@admin_page
def eval_sets():
    return render_template("console/eval_sets.html")
