"""The waitlist: a declined or removed guest frees a seat, and the next in line moves up."""
from sqlalchemy import select

from app.extensions import db
from app.invitations import guest_list, services
from app.invitations.models import Invitation, OutboxMessage


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


def test_a_guest_promoted_before_the_approval_is_invited_with_the_others(client_as, make_plan, make_invitation):
    plan, seated, waitlist = full_plan(make_plan, make_invitation)  # a draft
    planner = client_as("planner")
    assert planner.post(f"/events/plans/{plan.id}/guests/{seated[0].id}/remove").status_code == 302
    db.session.refresh(waitlist[0])
    assert waitlist[0].status == "guest"
    assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.invitation_id == waitlist[0].id)) is None
