"""plans: English title, venue and content for English-speaking guests

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-07 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_en', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('venue_en', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('content_en', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('content_en')
        batch_op.drop_column('venue_en')
        batch_op.drop_column('title_en')
