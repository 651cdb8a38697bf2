"""a child's attendance page kept per child, language and day (a cache: rendered again when missing)

Revision ID: b7e3d91c4a52
Revises: b7e4c1a9d2f5
Create Date: 2026-12-04 15:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e3d91c4a52'
down_revision = 'b7e4c1a9d2f5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'child_page',
        sa.Column('pupil_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=20), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('policy_sha256', sa.String(length=64), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=True),
        sa.Column('admission_date', sa.Date(), nullable=False),
        sa.Column('leaving_date', sa.Date(), nullable=True),
        sa.Column('legal_forename', sa.String(length=100), nullable=False),
        sa.Column('preferred_forename', sa.String(length=100), nullable=False),
        sa.Column('legal_surname', sa.String(length=100), nullable=False),
        sa.Column('register_as_of', sa.DateTime(), nullable=True),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.Column('html', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_child_page_pupil_id_pupil')),
        sa.PrimaryKeyConstraint('pupil_id', 'language', 'as_of', name=op.f('pk_child_page')),
    )


def downgrade():
    op.drop_table('child_page')
