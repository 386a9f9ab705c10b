"""The plan's project team: assigning people to the five roles of DOMAIN.md section 5."""
from types import SimpleNamespace

import pytest

from app.core.errors import DomainError
from app.events import roles
from app.events.plan_models import RoleAssignment
from app.extensions import db


def test_several_people_share_a_role_and_any_active_user_may_join(make_plan, make_user):
    plan = make_plan()
    planner, staff, manager = make_user("planner"), make_user("staff"), make_user("manager")
    roles.assign(plan, "execution_team", staff, planner)
    roles.assign(plan, "execution_team", manager, planner)
    roles.assign(plan, "project_lead", planner, planner)
    db.session.commit()
    team = roles.assignments_by_role(plan)
    assert list(team) == ["project_lead", "customer_team", "planning_team", "execution_team", "publicity_team",
                          "door_staff"]
    assert {a.user for a in team["execution_team"]} == {staff, manager}
    assert [a.user for a in team["project_lead"]] == [planner]
    assert team["publicity_team"] == []


def test_the_same_role_twice_is_refused_but_another_role_is_fine(make_plan, make_user):
    plan, user = make_plan(), make_user("staff")
    roles.assign(plan, "customer_team", user, None)
    with pytest.raises(DomainError) as refused:
        roles.assign(plan, "customer_team", user, None)
    assert refused.value.field == "user_id"
    roles.assign(plan, "publicity_team", user, None)
    roles.assign(make_plan(), "customer_team", user, None)
    assert db.session.query(RoleAssignment).filter_by(user_id=user.id).count() == 3


def test_inactive_users_and_unknown_roles_are_refused(make_plan, make_user):
    plan = make_plan()
    with pytest.raises(DomainError):
        roles.assign(plan, "execution_team", make_user("staff", active=False), None)
    with pytest.raises(DomainError):
        roles.assign(plan, "caterer", make_user("staff"), None)
    with pytest.raises(DomainError):
        roles.assign(plan, "execution_team", None, None)


def test_project_lead_is_known_and_unassigning_removes_it(make_plan, make_user):
    plan, other = make_plan(), make_plan()
    assert not roles.has_project_lead(plan)
    lead = roles.assign(plan, "project_lead", make_user("planner"), None)
    roles.assign(other, "customer_team", make_user("planner"), None)
    assert roles.has_project_lead(plan) and not roles.has_project_lead(other)
    roles.unassign(lead, None)
    assert not roles.has_project_lead(plan)


def test_assignments_by_role_is_one_query(make_plan, make_user, count_queries):
    plan = make_plan()
    for role in ("project_lead", "execution_team", "execution_team", "publicity_team"):
        roles.assign(plan, role, make_user("staff"), None)
    plan_id = plan.id
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as queries:
        team = roles.assignments_by_role(SimpleNamespace(id=plan_id))
        names = [a.user.name for people in team.values() for a in people]
    assert len(names) == 4 and len(queries) == 1


def test_planner_adds_and_removes_people_on_the_plan_page(client_as, make_plan, make_user):
    client, plan, staff = client_as("planner"), make_plan(), make_user("staff", name="Wang Wei")
    make_user("staff", name="Gone Away", active=False)
    page = client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert 'data-testid="no-lead"' in page and "A project lead is required before the plan is submitted" in page
    assert "Wang Wei" in page and "Gone Away" not in page  # only active users to choose from
    answer = client.post(f"/events/plans/{plan.id}/roles", data={"role": "execution_team", "user_id": staff.id})
    assert answer.status_code == 302 and answer.location.endswith(f"/events/plans/{plan.id}#roles")
    client.post(f"/events/plans/{plan.id}/roles", data={"role": "project_lead", "user_id": client.user.id})
    page = client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert 'data-testid="no-lead"' not in page
    execution = page.split('data-testid="role-execution_team"')[1].split('data-testid="role-publicity_team"')[0]
    assert "Wang Wei" in execution
    assignment = db.session.query(RoleAssignment).filter_by(user_id=staff.id).one()
    client.post(f"/events/plans/{plan.id}/roles/{assignment.id}/remove")
    assert db.session.query(RoleAssignment).filter_by(user_id=staff.id).count() == 0


def test_bad_role_input_is_flashed_not_a_500(client_as, make_plan, make_user):
    client, plan, staff = client_as("admin"), make_plan(), make_user("staff", name="Li Na")
    client.post(f"/events/plans/{plan.id}/roles", data={"role": "execution_team", "user_id": staff.id})
    for data in ({"role": "execution_team", "user_id": staff.id}, {"role": "execution_team", "user_id": "x"},
                 {"role": "caterer", "user_id": staff.id}, {"role": "execution_team", "user_id": "999999"}):
        answer = client.post(f"/events/plans/{plan.id}/roles", data=data, follow_redirects=True)
        assert answer.status_code == 200 and "alert-danger" in answer.get_data(as_text=True)
    page = client.post(f"/events/plans/{plan.id}/roles", data={"role": "execution_team", "user_id": staff.id},
                       follow_redirects=True).get_data(as_text=True)
    assert "Li Na already holds this role on the plan." in page
    assert db.session.query(RoleAssignment).filter_by(plan_id=plan.id).count() == 1


def test_managers_see_the_team_without_forms(client_as, make_plan, make_user):
    plan = make_plan()
    roles.assign(plan, "project_lead", make_user("planner", name="Zhang San"), None)
    db.session.commit()
    page = client_as("manager").get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert "Zhang San" in page and 'data-testid="roles"' in page
    assert "/roles/" not in page and 'data-testid="add-project_lead"' not in page
