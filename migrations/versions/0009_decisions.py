"""version columns for optimistic locking, the plan's snapshot at budget approval

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

VERSIONED = ('plans', 'plan_goals', 'budget_lines', 'invitation_settings')


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('budget_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_snapshot', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('budget_revisions', schema=None) as batch_op:
        batch_op.drop_column('approved_snapshot')
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
