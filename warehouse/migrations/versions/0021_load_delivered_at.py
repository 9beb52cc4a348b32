"""When each file landed, kept in the load log: for sources that replace what an earlier delivery
loaded (workforce snapshots, org-unit versions), the later delivery wins, whatever order loads run in.

Revision ID: 0021
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("load_log", sa.Column("delivered_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("load_log", "delivered_at")  # in place on both backends, as in 0020
