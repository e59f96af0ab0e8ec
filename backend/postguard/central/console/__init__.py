"""The admin console: server-rendered pages under ``/console/`` (README.md here).

Adding a page (the rule playground, say):

1. A module in this package with views on ``bp`` (``from .blueprint import bp``),
   each decorated with ``@admin_page`` (``from .session import admin_page``):
   it sends a visitor without a live session to the login page and sets
   ``g.admin``.
2. Import that module in ``views()`` below.
3. One entry in ``nav.NAV``: ``NavItem("console.playground", "Playground")``.
4. Its template extends ``console/base.html`` (blocks ``title`` and
   ``content``). Every form that POSTs includes ``{{ csrf_field() }}``; JS that
   POSTs sends ``csrf_token()`` (in ``<meta name="csrf-token">``) as the
   ``X-CSRF-Token`` header.

Nothing else: CSRF is checked for every state-changing request under
``/console/`` before any view runs (``csrf.py``), and every answer there gets
the secure headers (``headers.py``). Device credentials and admin tokens are
never read here; the console knows only its own session cookie.
"""

from __future__ import annotations

from flask import Flask


def views() -> None:
    from . import views_audit  # noqa: F401
    from . import views_authoring  # noqa: F401
    from . import views_bundles  # noqa: F401
    from . import views_devices  # noqa: F401
    from . import views_login  # noqa: F401
    from . import views_reports  # noqa: F401
    from . import views_terms  # noqa: F401


def init_app(app: Flask, settings: dict) -> None:
    from . import csrf
    from . import headers
    from . import nav
    from .blueprint import bp

    views()
    app.config["CONSOLE"] = {
        "COOKIE_SECURE": settings.get("COOKIE_SECURE", "auto"),
        "REPORT_MIN_DEVICES": settings.get("REPORT_MIN_DEVICES", 5),
    }
    app.before_request(csrf.check)
    app.after_request(headers.add)
    app.jinja_env.globals.update(
        csrf_field=csrf.field, csrf_token=csrf.token, console_nav=nav.items
    )
    app.register_blueprint(bp)
