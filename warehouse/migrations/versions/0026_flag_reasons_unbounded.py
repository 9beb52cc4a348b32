"""raw_flagged_comment.reason holds every reason a comment was flagged for, joined by ";": four
rule reasons come to 80 characters, beyond the 64 the column allowed (PostgreSQL refused the row
and the free-text step failed).

Revision ID: 0026
Revises: 0025
"""
import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite does not enforce a VARCHAR length; altering it there would copy the table for nothing.
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("raw_flagged_comment", "reason", type_=sa.Text, existing_type=sa.String(64), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("raw_flagged_comment", "reason", type_=sa.String(64), existing_type=sa.Text, existing_nullable=False)
