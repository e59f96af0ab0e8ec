"""staged rollout and device status: bundle stages, pilots, device groups

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:10:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bundles") as batch:
        # Bundles published before rollouts existed went to every device.
        batch.add_column(
            sa.Column("stage", sa.String(16), nullable=False, server_default="all")
        )
        batch.add_column(sa.Column("pilot_group", sa.String(64), nullable=True))
        batch.add_column(sa.Column("pilot_basis_points", sa.Integer(), nullable=True))
    with op.batch_alter_table("devices") as batch:
        batch.add_column(
            sa.Column(
                "rollout_bucket", sa.Integer(), nullable=False, server_default="0"
            )
        )
        batch.add_column(sa.Column("group_name", sa.String(64), nullable=True))
        batch.add_column(sa.Column("served_version", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("extension_versions", sa.String(200), nullable=True))
        batch.add_column(sa.Column("platforms", sa.String(400), nullable=True))
        batch.create_index("ix_devices_group_name", ["group_name"])
    # Devices enrolled earlier draw their bucket now, as enrolment would.
    devices = sa.table("devices", sa.column("id"), sa.column("rollout_bucket"))
    connection = op.get_bind()
    for (device_id,) in connection.execute(sa.select(devices.c.id)).all():
        connection.execute(
            devices.update()
            .where(devices.c.id == device_id)
            .values(rollout_bucket=secrets.randbelow(10000))
        )


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_index("ix_devices_group_name")
        for column in (
            "platforms",
            "extension_versions",
            "served_version",
            "group_name",
            "rollout_bucket",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("bundles") as batch:
        for column in ("pilot_basis_points", "pilot_group", "stage"):
            batch.drop_column(column)
