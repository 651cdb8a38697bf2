"""parents answer the school's question about an absence

Revision ID: d5a2c8e6f1b3
Revises: b7d4e1f09a62
Create Date: 2026-11-22 15:35:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd5a2c8e6f1b3'
down_revision = 'b7d4e1f09a62'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('absence_report_child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('absence_report_child', schema=None) as batch_op:
        batch_op.drop_column('answered_at')
        batch_op.drop_column('answer')
