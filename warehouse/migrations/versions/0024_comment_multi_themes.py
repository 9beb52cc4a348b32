"""Several themes per comment: every theme the text supports with its score, and the version of
the theme model that assigned them (hr_comments shows the themes).

Comments themed before this revision keep their one theme, marked with model version
"centroid-v1"; `culture retheme` re-themes them with the current model explicitly.

Revision ID: 0024
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

from warehouse import view_files

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

LEGACY_MODEL = "centroid-v1"


def upgrade() -> None:
    view_files.drop_views(op.execute)
    # "bullying;workload": every theme assigned, highest score first; empty for "other".
    op.add_column("comment", sa.Column("themes", sa.Text, nullable=False, server_default=""))
    # JSON {"bullying": 0.91, "workload": 0.62}: the score of each theme assigned.
    op.add_column("comment", sa.Column("theme_scores", sa.Text, nullable=False, server_default="{}"))
    op.add_column("comment", sa.Column("theme_model", sa.String(64), nullable=False, server_default=LEGACY_MODEL))
    op.execute("UPDATE comment SET themes = theme WHERE theme <> 'other'")
    view_files.create_views(op.execute)


def downgrade() -> None:
    view_files.drop_views(op.execute)
    for column in ("theme_model", "theme_scores", "themes"):
        op.drop_column("comment", column)
    view_files.create_views(op.execute, as_of="0023")
