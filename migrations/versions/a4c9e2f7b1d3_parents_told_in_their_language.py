"""parents told early, kindly, in their own language: a contact's preferred language, a pupil's health need,
batches of messages staff stopped

Revision ID: a4c9e2f7b1d3
Revises: d8e2b5c7a913
Create Date: 2026-12-03 17:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a4c9e2f7b1d3'
down_revision = 'd8e2b5c7a913'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_language', sa.String(length=60), nullable=True))
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.add_column(sa.Column('health_need', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'nudge_stop',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('round_key', sa.String(length=40), nullable=False),
        sa.Column('stopped_by_id', sa.Integer(), nullable=False),
        sa.Column('stopped_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_nudge_stop_school_id_school')),
        sa.ForeignKeyConstraint(['stopped_by_id'], ['staff_user.id'],
                                name=op.f('fk_nudge_stop_stopped_by_id_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_nudge_stop')),
        sa.UniqueConstraint('school_id', 'round_key', name=op.f('uq_nudge_stop_school_id')),
    )
    with op.batch_alter_table('nudge_stop', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nudge_stop_school_id'), ['school_id'], unique=False)


def downgrade():
    with op.batch_alter_table('nudge_stop', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nudge_stop_school_id'))
    op.drop_table('nudge_stop')
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.drop_column('health_need')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_column('preferred_language')
