"""outbox: sending and unknown states, claim time, send job heartbeat

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 23:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

OLD_STATES = "state IN ('queued', 'sent', 'failed')"
NEW_STATES = "state IN ('queued', 'sending', 'sent', 'failed', 'unknown')"


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))
        batch_op.drop_constraint(op.f('ck_outbox_messages_state_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outbox_messages_state_known'), NEW_STATES)
    with op.batch_alter_table('send_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))


def downgrade():
    # A message whose fate is not known is kept as failed: never sent again by itself.
    op.execute("UPDATE outbox_messages SET state = 'failed' WHERE state IN ('sending', 'unknown')")
    with op.batch_alter_table('send_jobs', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_messages_state_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outbox_messages_state_known'), OLD_STATES)
        batch_op.drop_column('claimed_at')
