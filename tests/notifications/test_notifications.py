"""In-app notices: written per reader, read in the reader's language, counted by the bell
and marked read by the list."""
import pytest

from app.extensions import db
from app.notifications import services
from app.notifications.models import Notification

PARAMS = {"plan": "Gala", "revision": 2, "approver": "Li", "comment": "Fine", "total": "¥1.00"}


def test_notify_writes_one_notice_per_reader(app, make_user):
    reader, other = make_user(), make_user()
    notices = services.notify([reader, other, reader], "budget_approved", PARAMS, "/events/plans/1/budget")
    db.session.commit()
    assert sorted(notice.user_id for notice in notices) == sorted([reader.id, other.id])
    assert all(notice.id for notice in notices)
    with pytest.raises(ValueError):
        services.notify([reader], "no_such_kind", {})


def test_a_notice_reads_in_the_current_language_with_a_fallback(app, make_user):
    notice = services.notify([make_user()], "budget_approved", PARAMS)[0]
    with app.test_request_context():
        assert services.message(notice) == "Li approved the budget of “Gala” (revision 2)."
    for kind, params in (("budget_approved", {"plan": "Gala"}), ("retired_kind", {})):
        with app.test_request_context():
            assert services.message(Notification(kind=kind, params=params)) == (
                "A notice of a kind this version does not know.")


def test_the_bell_counts_unread_notices_and_the_list_marks_them_read(app, client_as, make_user):
    client = client_as("staff")
    other = make_user()
    services.notify([client.user], "budget_approved", PARAMS, "/somewhere")
    services.notify([client.user, other], "budget_rejected", PARAMS)
    db.session.commit()
    assert services.unread_count(client.user) == 2
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="unread-count">2<' in home and 'aria-label="Notices: 2 unread"' in home
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count('data-testid="notice"') == 2 and page.count("notice-unread") == 2
    assert page.index('data-kind="budget_rejected"') < page.index('data-kind="budget_approved"')  # newest first
    assert 'href="/somewhere"' in page and "Fine" in page
    assert services.unread_count(client.user) == 0 and services.unread_count(other) == 1
    assert 'data-testid="unread-count"' not in client.get("/").get_data(as_text=True)


def test_nobody_reads_anothers_notices(client_as, make_user):
    other = make_user()
    services.notify([other], "budget_approved", PARAMS)
    db.session.commit()
    page = client_as("manager").get("/notifications").get_data(as_text=True)
    assert 'data-testid="notice"' not in page and "No notices yet" in page
    assert services.unread_count(other) == 1


def test_signed_out_visitors_see_no_bell(client):
    assert 'data-testid="notices-bell"' not in client.get("/login").get_data(as_text=True)
