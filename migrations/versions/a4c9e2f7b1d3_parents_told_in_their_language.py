"""parents told early, kindly, in their own language: a contact's preferred language, a pupil's health need

Revision ID: a4c9e2f7b1d3
Revises: e8b1f4a7c2d9
Create Date: 2026-12-03 17:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a4c9e2f7b1d3'
down_revision = 'e8b1f4a7c2d9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_language', sa.String(length=60), nullable=True))
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.add_column(sa.Column('health_need', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.drop_column('health_need')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_column('preferred_language')
