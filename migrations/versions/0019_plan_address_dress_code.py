"""plans: the address and the dress code, each with an English version for English-speaking guests

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

COLUMNS = ('address', 'address_en', 'dress_code', 'dress_code_en')


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=200), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
