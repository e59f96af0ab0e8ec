"""telemetry from devices and the rollout health gate

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 13:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bundles") as batch:
        batch.add_column(sa.Column("held_reason", sa.String(32), nullable=True))
        batch.add_column(
            sa.Column("held_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "central_secrets",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "telemetry_streams",
        sa.Column("device_key", sa.String(32), nullable=False),
        sa.Column("stream", sa.String(32), nullable=False),
        sa.Column("through_seq", sa.BigInteger(), nullable=False),
        sa.Column("dropped", sa.BigInteger(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("device_key", "stream"),
    )
    op.create_table(
        "telemetry",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("device_key", sa.String(32), nullable=False),
        sa.Column("stream", sa.String(32), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("platform", sa.String(24), nullable=False),
        sa.Column("bundle_version", sa.BigInteger(), nullable=True),
        sa.Column("rule_id", sa.String(64), nullable=True),
        sa.Column("category", sa.String(16), nullable=True),
        sa.Column("action", sa.String(32), nullable=True),
        sa.Column("policy_action", sa.String(24), nullable=True),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.Column("verdict", sa.String(8), nullable=True),
        sa.Column("scans", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("device_key", "stream", "seq"),
    )
    op.create_index("ix_telemetry_day", "telemetry", ["day"])
    op.create_index("ix_telemetry_bundle_version", "telemetry", ["bundle_version"])


def downgrade() -> None:
    op.drop_index("ix_telemetry_bundle_version", "telemetry")
    op.drop_index("ix_telemetry_day", "telemetry")
    op.drop_table("telemetry")
    op.drop_table("telemetry_streams")
    op.drop_table("central_secrets")
    with op.batch_alter_table("bundles") as batch:
        batch.drop_column("held_at")
        batch.drop_column("held_reason")
