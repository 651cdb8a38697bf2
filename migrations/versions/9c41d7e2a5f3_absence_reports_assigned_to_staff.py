"""absence reports can be assigned to a member of staff

Revision ID: 9c41d7e2a5f3
Revises: 86e8a3915bbf
Create Date: 2026-11-22 13:23:00

"""
from alembic import op
import sqlalchemy as sa


revision = '9c41d7e2a5f3'
down_revision = '86e8a3915bbf'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('absence_report_child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_to_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_absence_report_child_assigned_to_id_staff_user'), 'staff_user',
                                    ['assigned_to_id'], ['id'])


def downgrade():
    with op.batch_alter_table('absence_report_child', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_absence_report_child_assigned_to_id_staff_user'), type_='foreignkey')
        batch_op.drop_column('assigned_to_id')
