"""hr_comments lists a comment only where its question's organisation-wide theme group is shown in
hr_comment_themes (a view change: counting its rows gave the sizes that view hides).

Revision ID: 0025
Revises: 0024
"""
from alembic import op

from warehouse import view_files

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    view_files.recreate_views(op.execute)


def downgrade() -> None:
    view_files.recreate_views(op.execute, as_of="0024")
