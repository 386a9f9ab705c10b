"""rfm inputs: last purchase apart from last activity

R is the days since the last purchase (seed 000); the last order or interaction
stays for the lifecycle stage. The new column is filled from the orders up to the
inputs' date, so the next run needs no rebuild.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-07 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rfm_inputs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_order_on', sa.Date(), nullable=True))
    op.execute(
        "UPDATE rfm_inputs SET last_order_on = ("
        " SELECT max(orders.ordered_on) FROM orders"
        " WHERE orders.customer_id = rfm_inputs.customer_id"
        " AND orders.ordered_on <= (SELECT as_of FROM rfm_inputs_date WHERE id = 1))"
    )


def downgrade():
    with op.batch_alter_table('rfm_inputs', schema=None) as batch_op:
        batch_op.drop_column('last_order_on')
