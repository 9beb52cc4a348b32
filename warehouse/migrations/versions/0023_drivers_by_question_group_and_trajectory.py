"""Key drivers by question as well as theme; focus areas for every team and demographic group with
enough respondents (importance borrowed from the nearest analysed unit); the tracker's trajectory
to its target, what the latest pulse suggests, and exit/stay interview measures as evidence.

Revision ID: 0023
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

from warehouse import view_files

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None

KEY_DRIVER_COLUMNS = (
    ("driver_kind", sa.String(16), "theme"),
    ("breakdown", sa.String(32), "all"),
    ("group_value", sa.String(32), None),
    ("group_label", sa.Text, None),
    ("importance_from", sa.String(64), None),
    ("importance_own", sa.Boolean, True),
)
TRACKER_COLUMNS = (
    ("baseline_wave", sa.String(32)),
    ("baseline_value", sa.Float),
    ("pace_achieved", sa.Float),
    ("pace_needed", sa.Float),
    ("on_track", sa.Boolean),
    ("pulse_wave", sa.String(32)),
    ("pulse_change_pp", sa.Float),
    ("pulse_suggests", sa.String(32)),
)
# 0016 created these views; their files now read the columns added here, so they are made here.
VIEWS_OF_0016 = ("hr_key_drivers", "hr_focus_areas", "hr_improvement_tracker", "hr_retention_risk")


def _default(value):
    if value is None:
        return None
    return sa.true() if value is True else sa.text(f"'{value}'")


def upgrade() -> None:
    view_files.drop_views(op.execute, VIEWS_OF_0016)
    for name, kind, default in KEY_DRIVER_COLUMNS:
        op.add_column("fact_key_driver", sa.Column(name, kind, nullable=default is None,
                                                   server_default=_default(default)))
    for name, kind in TRACKER_COLUMNS:
        op.add_column("fact_improvement_tracker", sa.Column(name, kind))
    # Interview measures carry no wave; their period is kept instead.
    with op.batch_alter_table("fact_improvement_tracker") as batch:
        batch.alter_column("wave_id", existing_type=sa.Integer, nullable=True)
    view_files.recreate_views(op.execute, as_of="0023")  # hr_comments as it stood before 0024


def downgrade() -> None:
    # The 0016 views read the dropped columns: they go with them (upgrading again restores them).
    view_files.drop_views(op.execute, VIEWS_OF_0016)
    op.execute("DELETE FROM fact_improvement_tracker WHERE wave_id IS NULL")
    with op.batch_alter_table("fact_improvement_tracker") as batch:
        batch.alter_column("wave_id", existing_type=sa.Integer, nullable=False)
        for name, _ in reversed(TRACKER_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("fact_key_driver") as batch:
        for name, _, _ in reversed(KEY_DRIVER_COLUMNS):
            batch.drop_column(name)
