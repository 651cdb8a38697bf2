"""enrolments: a pupil's time on roll at each school of the trust

Revision ID: d8e2b5c7a913
Revises: c4f7a2e9d1b8
Create Date: 2026-12-03 18:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd8e2b5c7a913'
down_revision = 'c4f7a2e9d1b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'enrolment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pupil_id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('admission_date', sa.Date(), nullable=False),
        sa.Column('leaving_date', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_enrolment_pupil_id_pupil')),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_enrolment_school_id_school')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment')),
        sa.UniqueConstraint('pupil_id', 'school_id', 'admission_date',
                            name=op.f('uq_enrolment_pupil_id')),
    )
    op.create_index(op.f('ix_enrolment_pupil_id'), 'enrolment', ['pupil_id'], unique=False)
    op.create_index(op.f('ix_enrolment_school_id'), 'enrolment', ['school_id'], unique=False)
    # Every pupil so far has had one school: that is its one enrolment.
    op.execute("INSERT INTO enrolment (pupil_id, school_id, admission_date, leaving_date) "
               "SELECT id, school_id, admission_date, leaving_date FROM pupil")


def downgrade():
    op.drop_index(op.f('ix_enrolment_school_id'), table_name='enrolment')
    op.drop_index(op.f('ix_enrolment_pupil_id'), table_name='enrolment')
    op.drop_table('enrolment')
