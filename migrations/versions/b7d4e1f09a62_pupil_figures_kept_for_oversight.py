"""each pupil's attendance figures, kept for oversight

Revision ID: b7d4e1f09a62
Revises: 9c41d7e2a5f3
Create Date: 2026-11-22 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d4e1f09a62'
down_revision = '9c41d7e2a5f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pupil_figures',
        sa.Column('pupil_id', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('policy_sha256', sa.String(length=64), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('admission_date', sa.Date(), nullable=False),
        sa.Column('leaving_date', sa.Date(), nullable=True),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_pupil_figures_pupil_id_pupil')),
        sa.PrimaryKeyConstraint('pupil_id', name=op.f('pk_pupil_figures')),
    )


def downgrade():
    op.drop_table('pupil_figures')
