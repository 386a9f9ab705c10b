"""door check-in: check-ins, scan attempts, helper links, door settings; door staff on the team

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-08 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

OLD_ROLES = ('project_lead', 'customer_team', 'planning_team', 'execution_team', 'publicity_team')
NEW_ROLES = OLD_ROLES + ('door_staff',)
ROLE_CHECKS = (('role_assignments', 'ck_role_assignments_role_known', 'role'),
               ('plan_tasks', 'ck_plan_tasks_owner_role_known', 'owner_role'),
               ('event_type_tasks', 'ck_event_type_tasks_owner_role_known', 'owner_role'))
SOURCES = "source IN ('camera', 'scanner', 'manual')"
STATUSES = ("status IN ('ok', 'already_checked_in', 'unknown', 'revoked', 'wrong_event', 'declined', "
            "'not_attending')")


def _roles(values):
    return f"IN ({', '.join(repr(value) for value in values)})"


def upgrade():
    for table, name, column in ROLE_CHECKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(name), type_='check')
            batch_op.create_check_constraint(op.f(name), f"{column} {_roles(NEW_ROLES)}")

    op.create_table('checkin_settings',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('admit_not_attending', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_checkin_settings_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_checkin_settings'))
    )
    op.create_table('checkin_helper_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('entrance', sa.String(length=60), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_checkin_helper_links_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_checkin_helper_links_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_checkin_helper_links_revoked_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_helper_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_checkin_helper_links_token_hash'))
    )
    with op.batch_alter_table('checkin_helper_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_helper_links_plan_id'), ['plan_id'], unique=False)

    op.create_table('checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('companions', sa.Integer(), nullable=False),
    sa.Column('walk_in', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('entrance', sa.String(length=60), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('helper_link_id', sa.Integer(), nullable=True),
    sa.Column('scanned_at', sa.DateTime(), nullable=False),
    sa.Column('arrived_at', sa.DateTime(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.Column('undone_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint('(undone_at IS NULL) = (undone_reason IS NULL)', name=op.f('ck_checkins_undone_with_reason')),
    sa.CheckConstraint('companions >= 0', name=op.f('ck_checkins_companions_not_negative')),
    sa.CheckConstraint(SOURCES, name=op.f('ck_checkins_source_known')),
    sa.ForeignKeyConstraint(['helper_link_id'], ['checkin_helper_links.id'], name=op.f('fk_checkins_helper_link_id_checkin_helper_links'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_checkins_invitation_id_invitations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_checkins_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_checkins_undone_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_checkins_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins'))
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index('ix_checkins_plan_id_arrived_at', ['plan_id', 'arrived_at'], unique=False)
        batch_op.create_index('uq_checkins_invitation_standing', ['invitation_id'], unique=True,
                              sqlite_where=sa.text('undone_at IS NULL'), postgresql_where=sa.text('undone_at IS NULL'))

    op.create_table('checkin_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=24), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('checkin_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('admitted', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('entrance', sa.String(length=60), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('helper_link_id', sa.Integer(), nullable=True),
    sa.Column('scanned_at', sa.DateTime(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.CheckConstraint(SOURCES, name=op.f('ck_checkin_attempts_source_known')),
    sa.CheckConstraint(STATUSES, name=op.f('ck_checkin_attempts_status_known')),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_checkin_attempts_checkin_id_checkins'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['helper_link_id'], ['checkin_helper_links.id'], name=op.f('fk_checkin_attempts_helper_link_id_checkin_helper_links'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_checkin_attempts_invitation_id_invitations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_checkin_attempts_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_checkin_attempts_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_attempts')),
    sa.UniqueConstraint('actor', 'nonce', name='uq_checkin_attempts_actor_nonce')
    )
    with op.batch_alter_table('checkin_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_checkin_attempts_plan_id_at', ['plan_id', 'at'], unique=False)


def downgrade():
    op.drop_table('checkin_attempts')
    op.drop_table('checkins')
    op.drop_table('checkin_helper_links')
    op.drop_table('checkin_settings')
    op.execute("DELETE FROM role_assignments WHERE role = 'door_staff'")
    op.execute("UPDATE plan_tasks SET owner_role = 'execution_team' WHERE owner_role = 'door_staff'")
    op.execute("UPDATE event_type_tasks SET owner_role = 'execution_team' WHERE owner_role = 'door_staff'")
    for table, name, column in ROLE_CHECKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(name), type_='check')
            batch_op.create_check_constraint(op.f(name), f"{column} {_roles(OLD_ROLES)}")
