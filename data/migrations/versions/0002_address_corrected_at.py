"""deliveries.address_corrected_at: when the customer last corrected the address

After a failed attempt for an incomplete address, a correction since that attempt means the
address is fixed; the record says so after the conversation that took it is long gone.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 19:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import data.types

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("address_corrected_at", data.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("address_corrected_at")
