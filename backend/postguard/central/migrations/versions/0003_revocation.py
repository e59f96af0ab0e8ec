"""revocation: admins, enrolment tokens and devices can be revoked

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# A revoked row stays (audit rows and device listings point at it); its
# credential is refused from then on.
TABLES = ("admins", "enrolment_tokens", "devices")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True)
            )


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("revoked_at")
