"""imports: staging tables, so the write phase holds the write lock only briefly

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def _keys():
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('external_id', sa.String(length=64), nullable=False),
    ]


def _table_keys(table):
    return [
        sa.ForeignKeyConstraint(['job_id'], ['import_jobs.id'], name=op.f(f'fk_{table}_job_id_import_jobs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def upgrade():
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempt', sa.Integer(), server_default='0', nullable=False))
    op.create_table(
        'import_staged_rows',
        *_keys(),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('company', sa.String(length=200), nullable=True),
        sa.Column('industry', sa.String(length=64), nullable=True),
        sa.Column('contact_person', sa.String(length=100), nullable=True),
        sa.Column('contact_title', sa.String(length=100), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('phone', sa.String(length=32), nullable=True),
        sa.Column('wechat_id', sa.String(length=64), nullable=True),
        sa.Column('city', sa.String(length=64), nullable=True),
        sa.Column('preferred_channel', sa.String(length=16), nullable=True),
        sa.Column('preferred_language', sa.String(length=5), nullable=True),
        sa.Column('registered_on', sa.Date(), nullable=True),
        sa.Column('consent', sa.Boolean(), nullable=True),
        sa.Column('customer_id', sa.Integer(), nullable=True),
        sa.Column('ordered_on', sa.Date(), nullable=True),
        sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column('product', sa.String(length=200), nullable=True),
        sa.Column('channel', sa.String(length=64), nullable=True),
        *_table_keys('import_staged_rows'),
    )
    op.create_index('ix_import_staged_rows_job', 'import_staged_rows', ['job_id', 'attempt'], unique=False)
    op.create_table(
        'import_staged_tags',
        *_keys(),
        sa.Column('tag', sa.String(length=64), nullable=False),
        *_table_keys('import_staged_tags'),
    )
    op.create_index('ix_import_staged_tags_job', 'import_staged_tags', ['job_id', 'attempt'], unique=False)


def downgrade():
    op.drop_index('ix_import_staged_tags_job', table_name='import_staged_tags')
    op.drop_table('import_staged_tags')
    op.drop_index('ix_import_staged_rows_job', table_name='import_staged_rows')
    op.drop_table('import_staged_rows')
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_column('attempt')
