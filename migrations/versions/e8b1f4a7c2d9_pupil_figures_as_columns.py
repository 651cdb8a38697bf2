"""pupil figures kept as columns (a cache: the rows are worked out again)

Revision ID: e8b1f4a7c2d9
Revises: d5a2c8e6f1b3
Create Date: 2026-11-22 16:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e8b1f4a7c2d9'
down_revision = 'd5a2c8e6f1b3'
branch_labels = None
depends_on = None

def _keys():
    return [
        sa.Column('pupil_id', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('policy_sha256', sa.String(length=64), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('admission_date', sa.Date(), nullable=False),
        sa.Column('leaving_date', sa.Date(), nullable=True),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
    ]


def _constraints():
    return [sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_pupil_figures_pupil_id_pupil')),
            sa.PrimaryKeyConstraint('pupil_id', name=op.f('pk_pupil_figures'))]


def upgrade():
    # Kept figures are a cache: dropped and made again on the next look or `flask attendance refresh`.
    op.drop_table('pupil_figures')
    counts = [sa.Column(name, sa.Integer(), nullable=False) for name in (
        'possible', 'attended', 'present', 'approved_activity', 'authorised', 'unauthorised', 'late_before_close',
        'late_after_close', 'not_counted')]
    op.create_table(
        'pupil_figures', *_keys(), *counts,
        sa.Column('persistent_absence', sa.Boolean(), nullable=False),
        sa.Column('severe_absence', sa.Boolean(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=True),
        sa.Column('period_end', sa.Date(), nullable=True),
        sa.Column('band', sa.String(length=20), nullable=False),
        sa.Column('tier', sa.Integer(), nullable=True),
        sa.Column('late', sa.Integer(), nullable=False),
        sa.Column('late_of', sa.Integer(), nullable=False),
        sa.Column('last_late', sa.Date(), nullable=True),
        sa.Column('alerts', sa.Text(), nullable=True),
        *_constraints(),
    )


def downgrade():
    op.drop_table('pupil_figures')
    op.create_table('pupil_figures', *_keys(), sa.Column('figures', sa.Text(), nullable=False),
                    *_constraints())
