"""an outbox message may be rendered by the worker: its template, context and locale, the body empty until then

Revision ID: c4d8a2f61e07
Revises: b7e3d91c4a52
Create Date: 2026-12-04 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4d8a2f61e07'
down_revision = 'b7e3d91c4a52'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('locale', sa.String(length=20), nullable=True))
        batch_op.alter_column('body_text', existing_type=sa.Text(), nullable=True)


def downgrade():
    # A message still waiting for the worker has no body yet: render it first (`flask outbox send`), else it is
    # given an empty one here.
    op.execute("UPDATE outbox_message SET body_text = '' WHERE body_text IS NULL")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('body_text', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('locale')
        batch_op.drop_column('context')
        batch_op.drop_column('template')
