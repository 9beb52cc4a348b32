"""When each staged survey wave's file landed, so that the later delivery wins, not the later load.

Revision ID: 0020
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0014"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both backends (SQLite 3.35+ drops columns in place): a batch "copy and
# move" of survey_wave would break the hr_* views and foreign keys that refer to it.
def upgrade() -> None:
    op.add_column("survey_wave", sa.Column("delivered_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("survey_wave", "delivered_at")
