"""When each staged survey wave's file landed, so that the later delivery wins, not the later load.

Revision ID: 0020
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot alter tables in place.
    with op.batch_alter_table("survey_wave") as batch:
        batch.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("survey_wave") as batch:
        batch.drop_column("delivered_at")
