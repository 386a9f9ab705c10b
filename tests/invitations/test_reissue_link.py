"""A lost or forwarded invitation: the guest list gives the guest a new personal link (page and
`flask guests reissue-link`); the old RSVP link and QR code answer like unknown links."""
import pytest

from app.events import activity
from app.extensions import db
from app.invitations.models import GuestStatus, Rsvp
from app.invitations.qr import checkin_payload
from tests.access import only
from tests.invitations.test_rsvp_views import decode_qr


@pytest.fixture
def accepted(make_invitation):
    guest = make_invitation(name="张伟", email="zhang@example.com")
    guest.rsvp, guest.companions = Rsvp.ACCEPTED, 1
    db.session.commit()
    return guest


def new_link_path(guest):
    return f"/events/plans/{guest.plan_id}/guests/{guest.id}/new-link"


@pytest.mark.parametrize("who, expected", only("admin", "planner").items())
def test_only_planners_and_admins_replace_a_link(client_as, accepted, who, expected):
    old = accepted.rsvp_token
    response = client_as(None if who == "anonymous" else who).post(new_link_path(accepted))
    assert response.status_code == expected
    db.session.refresh(accepted)
    assert (accepted.rsvp_token != old) == (expected == 200)


def test_the_old_link_and_qr_code_stop_working_and_the_new_ones_work(client_as, client, accepted):
    old_link, old_code = accepted.rsvp_token, accepted.checkin_token
    assert client.get(f"/rsvp/{old_link}/qr.png").status_code == 200
    response = client_as("planner").post(new_link_path(accepted))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    db.session.refresh(accepted)
    new_link = accepted.rsvp_token
    assert new_link != old_link and accepted.checkin_token != old_code
    body = response.get_data(as_text=True)
    assert f"http://rapport.test/rsvp/{new_link}" in body and old_link not in body
    for path in ("", "/qr.png", "/event.ics"):  # the same 404 as any unknown link
        assert client.get(f"/rsvp/{old_link}{path}").status_code == 404
    assert client.get(f"/rsvp/{new_link}").status_code == 200
    qr = client.get(f"/rsvp/{new_link}/qr.png")
    assert decode_qr(qr.data) == [checkin_payload(accepted.checkin_token)]
    assert (accepted.rsvp, accepted.companions) == (Rsvp.ACCEPTED, 1)  # the answer is kept
    [entry] = [e for e in activity.recent(accepted.plan) if e.action == "guests.token_reissued"]
    assert entry.detail["guest"] == "张伟" and entry.user_id is not None
    assert old_link not in str(entry.detail) and new_link not in str(entry.detail)


def test_the_page_asks_first(client_as, accepted):
    old = accepted.rsvp_token
    response = client_as("admin").get(new_link_path(accepted))
    assert response.status_code == 200 and 'data-testid="confirm-reissue"' in response.get_data(as_text=True)
    db.session.refresh(accepted)
    assert accepted.rsvp_token == old


def test_the_guest_list_has_a_new_link_button_per_guest(client_as, accepted):
    body = client_as("planner").get(f"/events/plans/{accepted.plan_id}/guests").get_data(as_text=True)
    assert f'href="{new_link_path(accepted)}"' in body
    assert new_link_path(accepted) not in client_as("manager").get(
        f"/events/plans/{accepted.plan_id}/guests").get_data(as_text=True)


def test_a_removed_guest_gets_no_new_link(client_as, accepted):
    accepted.status = GuestStatus.REMOVED
    db.session.commit()
    old = accepted.rsvp_token
    response = client_as("planner").post(new_link_path(accepted), follow_redirects=True)
    assert "Only guests on the list or the waitlist" in response.get_data(as_text=True)
    db.session.refresh(accepted)
    assert accepted.rsvp_token == old


def test_another_plans_guest_is_not_found(client_as, accepted, make_plan):
    other = make_plan()
    assert client_as("planner").post(f"/events/plans/{other.id}/guests/{accepted.id}/new-link").status_code == 404


def test_the_command_replaces_the_link(app, client, accepted):
    old = accepted.rsvp_token
    runner = app.test_cli_runner()
    result = runner.invoke(args=["guests", "reissue-link", "--plan", str(accepted.plan_id), "--guest", "Zhang@example.com"])
    assert result.exit_code == 0, result.output
    db.session.refresh(accepted)
    assert f"New link for 张伟: http://rapport.test/rsvp/{accepted.rsvp_token}" in result.output
    assert client.get(f"/rsvp/{old}").status_code == 404
    assert any(e.action == "guests.token_reissued" and e.user_id is None for e in activity.recent(accepted.plan))
    missing = runner.invoke(args=["guests", "reissue-link", "--plan", str(accepted.plan_id), "--guest", "nobody@x.y"])
    assert missing.exit_code != 0 and "No single guest" in missing.output

