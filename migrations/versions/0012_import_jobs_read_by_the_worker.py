"""import jobs read by the worker: status 'reading', stored preview

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-07 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None

CHECK = 'ck_import_jobs_status_known'
OLD = ('uploaded', 'queued', 'validating', 'writing', 'done', 'failed')
NEW = ('reading',) + OLD


def _status_in(values):
    return f"status IN ({', '.join(repr(value) for value in values)})"


def upgrade():
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preview', sa.JSON(), nullable=True))
        batch_op.drop_constraint(op.f(CHECK), type_='check')
        batch_op.create_check_constraint(op.f(CHECK), _status_in(NEW))


def downgrade():
    # A file still being read is abandoned: the old schema has no word for it.
    op.execute("UPDATE import_jobs SET status = 'failed' WHERE status = 'reading'")
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_='check')
        batch_op.create_check_constraint(op.f(CHECK), _status_in(OLD))
        batch_op.drop_column('preview')
