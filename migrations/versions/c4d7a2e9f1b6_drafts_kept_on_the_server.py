"""drafts kept on the server, not in the session cookie (portal/models/draft.py)

Revision ID: c4d7a2e9f1b6
Revises: 249926e843cc
Create Date: 2026-12-03 18:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d7a2e9f1b6'
down_revision = '249926e843cc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_account_id'], ['parent_account.id'],
                            name=op.f('fk_draft_parent_account_id_parent_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft')),
    sa.UniqueConstraint('parent_account_id', 'kind', name='uq_draft_parent_account_id_kind')
    )
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_expires_at'))

    op.drop_table('draft')
