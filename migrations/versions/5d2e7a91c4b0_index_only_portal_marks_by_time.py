"""index only the portal's own marks by time

Revision ID: 5d2e7a91c4b0
Revises: 35b1b2fb6aad
Create Date: 2026-11-22 12:58:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5d2e7a91c4b0'
down_revision = '35b1b2fb6aad'
branch_labels = None
depends_on = None

PORTAL_ONLY = sa.text("source = 'portal'")


def upgrade():
    with op.batch_alter_table('mark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mark_recorded_at'))
        batch_op.create_index('ix_mark_portal_recorded_at', ['recorded_at'], unique=False,
                              sqlite_where=PORTAL_ONLY, postgresql_where=PORTAL_ONLY)


def downgrade():
    with op.batch_alter_table('mark', schema=None) as batch_op:
        batch_op.drop_index('ix_mark_portal_recorded_at', sqlite_where=PORTAL_ONLY, postgresql_where=PORTAL_ONLY)
        batch_op.create_index(batch_op.f('ix_mark_recorded_at'), ['recorded_at'], unique=False)
