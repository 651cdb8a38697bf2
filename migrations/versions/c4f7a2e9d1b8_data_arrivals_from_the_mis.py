"""data arrivals from the MIS: when each school's data was last imported

Revision ID: c4f7a2e9d1b8
Revises: c4e7a1d9b2f6
Create Date: 2026-12-03 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4f7a2e9d1b8'
down_revision = 'c4e7a1d9b2f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'data_arrival',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_data_arrival_school_id_school')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_arrival')),
    )
    op.create_index('ix_data_arrival_school_kind_at', 'data_arrival', ['school_id', 'kind', 'at'], unique=False)


def downgrade():
    op.drop_index('ix_data_arrival_school_kind_at', table_name='data_arrival')
    op.drop_table('data_arrival')
