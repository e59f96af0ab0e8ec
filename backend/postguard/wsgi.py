"""WSGI entry point for other servers: ``gunicorn 'postguard.wsgi:app'``.

``postguard serve`` is the supported way to run the service (it binds 127.0.0.1 and
checks the settings first); this module is for admins who wrap it themselves.
"""

from .app import create_app

app = create_app()
