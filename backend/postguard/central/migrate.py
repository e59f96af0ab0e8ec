"""Schema migrations with Alembic; the scripts live in ``migrations/``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

SCRIPTS = Path(__file__).with_name("migrations")


def _config(connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the schema to ``target``, the newest revision by default (a no-op
    when it is there)."""
    with engine.begin() as connection:
        command.upgrade(_config(connection), target)


def revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str:
    """The newest revision the scripts define."""
    return ScriptDirectory.from_config(_config(None)).get_current_head()


def differences(engine: Engine) -> list:
    """What the models declare that the migrated schema lacks (or the reverse)."""
    from .models import Base

    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def autogenerate(engine: Engine, message: str, rev_id: str) -> None:
    """For developers: write a revision from the models' changes."""
    with engine.begin() as connection:
        command.revision(
            _config(connection), message=message, autogenerate=True, rev_id=rev_id
        )
