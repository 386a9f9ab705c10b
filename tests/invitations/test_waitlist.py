"""The waitlist: a declined or removed guest frees a seat, and the next in line moves up; a guest
who cannot be seated may join it from the RSVP page."""
import re

from sqlalchemy import select

from app.extensions import db
from app.invitations import dashboard, guest_list, rsvp, services
from app.invitations.models import Invitation, OutboxMessage
from app.notifications import services as notifications
from app.notifications.models import Notification


def full_plan(make_plan, make_invitation, waiting=3):
    """A plan of capacity 2, full, with `waiting` guests on the waitlist."""
    plan = make_plan(capacity=2)
    seated = [make_invitation(plan=plan) for _ in range(2)]
    waitlist = [make_invitation(plan=plan) for _ in range(waiting)]
    return plan, seated, waitlist


def test_a_full_event_waitlists_in_order(make_plan, make_invitation):
    plan, seated, waitlist = full_plan(make_plan, make_invitation)
    assert [g.status for g in seated] == ["guest", "guest"]
    assert [(g.status, g.waitlist_position) for g in waitlist] == [("waitlist", 1), ("waitlist", 2), ("waitlist", 3)]
    assert services.seats_free(plan) == 0


def test_a_decline_frees_a_seat_for_the_first_in_line(make_plan, make_invitation):
    plan, seated, waitlist = full_plan(make_plan, make_invitation)
    seated[0].rsvp = "declined"
    db.session.flush()
    promoted = services.promote_waitlist(plan)
    assert promoted == [waitlist[0]]
    assert (waitlist[0].status, waitlist[0].waitlist_position) == ("guest", None)
    assert [g.status for g in waitlist[1:]] == ["waitlist", "waitlist"]
    assert services.seats_free(plan) == 0


def test_removing_a_guest_promotes_the_next(make_plan, make_invitation):
    _plan, seated, waitlist = full_plan(make_plan, make_invitation)
    promoted = guest_list.remove(seated[1], None)
    assert promoted == [waitlist[0]] and seated[1].status == "removed"
    assert guest_list.remove(seated[1], None) == []  # removing twice frees nothing more


def test_companions_leaving_free_seats_for_several(make_plan, make_invitation):
    plan, seated, waitlist = full_plan(make_plan, make_invitation)
    plan.capacity = 4
    seated[0].companions = 2  # 1 + 2 + 1 = 4: still full
    db.session.flush()
    assert services.promote_waitlist(plan) == []
    seated[0].rsvp = "declined"  # frees 3 seats
    db.session.flush()
    assert services.promote_waitlist(plan) == waitlist


def test_removing_skipped_places_keeps_the_order(make_plan, make_invitation):
    _plan, seated, waitlist = full_plan(make_plan, make_invitation)
    guest_list.remove(waitlist[0], None)
    promoted = guest_list.remove(seated[0], None)
    assert promoted == [waitlist[1]]


def test_move_to_the_waitlist_gives_the_seat_to_the_first_in_line(make_plan, make_invitation):
    _plan, seated, waitlist = full_plan(make_plan, make_invitation, waiting=1)
    promoted = guest_list.move(seated[0], None)
    assert promoted == [waitlist[0]]
    assert (seated[0].status, seated[0].waitlist_position) == ("waitlist", 2)


def test_the_promoted_guest_is_sent_an_invitation(client_as, make_plan, make_invitation):
    plan, seated, waitlist = full_plan(make_plan, make_invitation)
    plan.state = "approved"
    db.session.commit()
    planner = client_as("planner")
    assert planner.post(f"/events/plans/{plan.id}/guests/{seated[0].id}/remove").status_code == 302
    kinds = db.session.execute(
        select(OutboxMessage.invitation_id, OutboxMessage.kind).join(Invitation).where(Invitation.plan_id == plan.id)
    ).all()
    assert kinds == [(waitlist[0].id, "invitation")]


# ---------------------------------------------------------------- a guest who cannot be seated


def overbooked(make_plan, make_invitation, make_user):
    """Capacity 2 and both seats taken by an accepted guest and a companion; the planner made the
    plan; `late` declined earlier and holds no seat."""
    planner = make_user(roles=("planner",), locale="en")
    plan = make_plan(capacity=2, title="Banquet", user=planner)
    services.settings_for(plan).companions_cap = 2
    seated = make_invitation(plan=plan, name="Seated")
    late = make_invitation(plan=plan, name="Late", locale="en")
    late.rsvp, late.decline_reason = "declined", "schedule"
    seated.rsvp, seated.companions = "accepted", 1
    db.session.commit()
    return plan, planner, late


def test_a_guest_who_cannot_be_seated_is_offered_the_waitlist(client, make_plan, make_invitation, make_user):
    plan, _planner, late = overbooked(make_plan, make_invitation, make_user)
    body = client.get(f"/rsvp/{late.rsvp_token}").get_data(as_text=True)
    assert 'data-testid="rsvp-full"' in body and "Join the waiting list" in body
    assert 'name="waitlist" value="1"' in body
    assert re.findall(r'<option[^>]*value="(\d+)"', body) == ["0", "1", "2"]  # for when a seat frees
    assert "When a seat is free, you may bring up to 2 companions." in body


def test_the_waitlisted_answer_is_kept_and_the_planner_told(client, make_plan, make_invitation, make_user):
    plan, planner, late = overbooked(make_plan, make_invitation, make_user)
    response = client.post(f"/rsvp/{late.rsvp_token}", data={
        "answer": "accept", "companions": "1", "dietary": "素食", "notes": "坐靠门的位置", "waitlist": "1"})
    assert response.status_code == 302
    db.session.refresh(late)
    assert (late.status, late.waitlist_position, late.rsvp, late.companions, late.dietary, late.notes) == (
        "waitlist", 1, "accepted", 1, "素食", "坐靠门的位置")
    assert services.seats_taken(plan.id) == 2  # nobody over the capacity
    funnel = dashboard.funnel(plan.id).total
    assert (funnel.waitlisted, funnel.no_answer, funnel.declined) == (1, 0, 0)
    [notice] = db.session.scalars(select(Notification).where(Notification.kind == "guest_waitlisted")).all()
    assert notice.user_id == planner.id and f"/events/plans/{plan.id}/guests" in notice.link
    assert notifications.message(notice) == ("Late accepted the invitation to “Banquet”, but no seat was left: the "
                                              "guest is on the waitlist, place 1 (with 1 companions).")
    body = client.get(f"/rsvp/{late.rsvp_token}").get_data(as_text=True)
    assert "Thank you, your answer has been saved." in body
    assert "You are on the waiting list. As soon as a seat is free" in body and 'data-testid="rsvp-form"' not in body


def test_a_full_event_refuses_without_the_waitlist_and_keeps_what_was_typed(client, make_plan, make_invitation,
                                                                          make_user):
    plan, _planner, late = overbooked(make_plan, make_invitation, make_user)
    response = client.post(f"/rsvp/{late.rsvp_token}", data={"answer": "accept", "companions": "0", "dietary": "清真",
                                                             "notes": "晚到"})  # a page from before it filled
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Sorry, the event is full. You can join the waiting list." in body
    assert 'value="清真"' in body and "晚到</textarea>" in body and 'data-testid="rsvp-full"' in body
    db.session.refresh(late)
    assert (late.status, late.rsvp, late.dietary) == ("guest", "declined", "")
    assert db.session.scalar(select(Notification.id).where(Notification.kind == "guest_waitlisted")) is None


def test_with_a_seat_free_the_waitlist_choice_seats_the_guest(make_plan, make_invitation, make_user):
    plan, _planner, late = overbooked(make_plan, make_invitation, make_user)
    plan.capacity = 3
    rsvp.respond(late, services.settings_for(plan), True, companions=0, waitlist=True)
    assert (late.status, late.rsvp, late.waitlist_position) == ("guest", "accepted", None)


def test_a_freed_seat_goes_to_the_first_in_line_whose_party_fits(make_plan, make_invitation, make_user):
    plan, _planner, late = overbooked(make_plan, make_invitation, make_user)
    rsvp.respond(late, services.settings_for(plan), True, companions=1, waitlist=True)  # needs two seats
    alone = make_invitation(plan=plan, name="Alone")  # on the waitlist behind
    assert (alone.status, alone.waitlist_position) == ("waitlist", 2)
    seated = db.session.scalar(select(Invitation).where(Invitation.plan_id == plan.id, Invitation.name == "Seated"))
    rsvp.respond(seated, services.settings_for(plan), True, companions=0)  # one seat freed: only Alone fits
    assert (late.status, alone.status) == ("waitlist", "guest")
    assert services.seats_taken(plan.id) == 2
    plan.capacity = 4
    assert services.promote_waitlist(plan) == [late]
    assert (late.rsvp, late.companions, services.seats_taken(plan.id)) == ("accepted", 1, 4)
def test_a_guest_promoted_before_the_approval_is_invited_with_the_others(client_as, make_plan, make_invitation):
    plan, seated, waitlist = full_plan(make_plan, make_invitation)  # a draft
    planner = client_as("planner")
    assert planner.post(f"/events/plans/{plan.id}/guests/{seated[0].id}/remove").status_code == 302
    db.session.refresh(waitlist[0])
    assert waitlist[0].status == "guest"
    assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.invitation_id == waitlist[0].id)) is None
