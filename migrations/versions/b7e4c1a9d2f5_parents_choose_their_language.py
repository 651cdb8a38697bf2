"""a parent's language for the portal's pages, chosen in the header (portal/web/parent/language.py)

Revision ID: b7e4c1a9d2f5
Revises: c4d7a2e9f1b6
Create Date: 2026-12-04 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e4c1a9d2f5'
down_revision = 'c4d7a2e9f1b6'
branch_labels = None
depends_on = None


def upgrade():
    # Empty until the parent chooses: their contact's preferred language stands in (portal.domain.languages).
    with op.batch_alter_table('parent_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table('parent_account', schema=None) as batch_op:
        batch_op.drop_column('language')
