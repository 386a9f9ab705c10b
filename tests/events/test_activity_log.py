"""The plan's activity log on the plan page: who changed what, when, as a sentence in the
reader's language for every code the services record, and a readable fallback."""

import pytest

from app.budget import approvals
from app.core import clock
from app.events import activity
from app.events.web.activity_log import activity_actor, activity_sentence
from app.extensions import db
from tests.budget.test_approvals import people, ready_plan  # noqa: F401  (fixtures)


def sentence(plan, action, **detail):
    return activity_sentence(activity.record(plan, None, action, **detail))


@pytest.mark.parametrize("action, detail, expected", [
    ("plan.submit", {"previous": "draft", "state": "submitted", "revision": 1, "total": "46200.00"},
     "submitted the plan for approval with budget revision 1 (¥46,200.00)"),
    ("plan.approve", {"state": "approved", "revision": 2, "comment": ""},
     "approved budget revision 2, and with it the plan"),
    ("budget.approved", {"revision": 1, "level": 1, "approvals_needed": 2},
     "gave budget revision 1 the first of its 2 approvals"),
    ("plan.reject", {"state": "rejected", "revision": 1, "comment": "Too dear"}, "rejected budget revision 1"),
    ("plan.reopen", {"previous": "submitted", "state": "draft", "revision": 1, "withdrawn": True},
     "withdrew budget revision 1 from approval"),
    ("plan.reopen", {"previous": "approved", "state": "draft", "comment": ""},
     "reopened the plan as a draft: after the change it is approved again"),
    ("plan.cancel", {"state": "cancelled", "comment": "Venue closed"}, "cancelled the plan"),
    ("plan.edited", {"fields": ["title", "event_day"]}, "edited the plan: Plan title, Event day"),
    ("goal.added", {"text": "", "metric": "nps", "target": "65.00", "deadline": "2027-06-20"},
     "added the goal “NPS”"),
    ("goal.removed", {"text": "Repurchase +15%", "metric": None}, "removed the goal “Repurchase +15%”"),
    ("budget.started", {"revision": 1, "lines": 7, "total": "46200.00"},
     "started the budget with 7 lines (¥46,200.00)"),
    ("budget.revised", {"revision": 2, "previous": 1}, "started budget revision 2 from the approved revision 1"),
    ("budget.line_added", {"revision": 1, "line": "Tea", "amount": "2000.00"},
     "added the budget line “Tea” (¥2,000.00)"),
    ("budget.line_changed", {"revision": 1, "line": "Tea", "changes": {"quantity": ["1.00", "2.00"],
                                                                       "amount": ["2000.00", "4000.00"]}},
     "changed the budget line “Tea”: Quantity 1.00 → 2.00, Amount ¥2,000.00 → ¥4,000.00"),
    ("budget.line_removed", {"revision": 1, "line": "Tea", "amount": "2000.00"},
     "removed the budget line “Tea” (¥2,000.00)"),
    ("budget.line_moved", {"revision": 1, "line": "Tea", "position": 1, "previous": 2},
     "moved the budget line “Tea” from place 2 to 1"),
    ("budget.contingency_set", {"revision": 1, "amount": "4200.00", "previous": None, "base": "42000.00"},
     "set the contingency reserve to ¥4,200.00, 10% of ¥42,000.00"),
    ("budget.actual_entered", {"revision": 1, "line": "Tea", "planned": "2000.00", "actual": "1800.50"},
     "entered the actual spend of “Tea”: ¥1,800.50 (planned ¥2,000.00)"),
    ("guests.added", {"guest": "张伟", "status": "invited"}, "added 张伟 to the guest list"),
    ("guests.promoted", {"guests": ["张伟", "Anna"]}, "moved 张伟, Anna from the waiting list to the guest list"),
    ("guests.token_reissued", {"guest": "张伟", "kind": "rsvp"}, "sent 张伟 a new personal link"),
    ("guests.built", {"seed": 7, "guests": 30, "waitlisted": 2, "held_out": 3, "flagged": 4},
     "built the guest list from the target tiers: 30 guests, 2 on the waiting list, 3 held out for comparison, 4 flagged"),
    ("guests.included", {"guest": "张伟", "status": "guest"}, "included 张伟 in the guest list"),
    ("guests.removed", {"guest": "张伟"}, "took 张伟 off the guest list"),
    ("guests.moved", {"guest": "张伟", "status": "waitlist"}, "moved 张伟 between the guest list and the waiting list"),
    ("guests.settings_changed", {"companions_cap": 1, "rsvp_deadline": None}, "changed the invitation settings"),
    ("guests.answered", {"guest": "张伟", "rsvp": "accepted", "companions": 1}, "accepted the invitation (companions: 1)"),
    ("guests.answered", {"guest": "张伟", "rsvp": "declined", "companions": 0}, "declined the invitation"),
    # Codes this version does not know, or entries missing a value, still read.
    ("role.assigned", {"role": "project_lead"}, "made a change (role.assigned)"),
    ("plan.archive", {"previous": "reviewed", "state": "cancelled"}, "changed the plan’s state: it was reviewed and is now cancelled"),
    ("budget.line_added", {"revision": 1}, "made a change (budget.line_added)"),
])
def test_every_recorded_code_reads_as_a_sentence(app, make_plan, action, detail, expected):
    with app.test_request_context():
        assert sentence(make_plan(), action, **detail) == expected


def test_lists_follow_the_readers_language(app, make_plan):
    with app.test_request_context("/?lang=zh"):
        assert "、" in sentence(make_plan(), "plan.edited", fields=["title", "venue"])


def test_the_plan_page_shows_the_log_newest_first_with_names_and_comments(app, client_as, ready_plan, people):
    plan = ready_plan(title="Gala")
    with app.test_request_context():
        revision = approvals.submit(plan, people.planner, clock.today())
        approvals.reject(revision, people.manager, "Fewer gifts, please.")
    db.session.commit()
    page = client_as("manager").get(f"/events/plans/{plan.id}").get_data(as_text=True)
    card = page[page.index('id="activity"'):]
    entries = card.split('data-testid="activity-entry"')[1:]
    assert len(entries) == 2
    assert "<strong>Manager</strong> rejected budget revision 1" in entries[0]
    assert "Fewer gifts, please." in entries[0]
    assert "<strong>Planner</strong> submitted the plan for approval with budget revision 1 (¥46,200.00)" in entries[1]


def test_entries_without_a_person_are_the_apis(client_as, make_plan):
    plan = make_plan()
    activity.record(plan, None, "plan.cancel", previous="draft", state="cancelled", comment="")
    db.session.commit()
    page = client_as("planner").get(f"/events/plans/{plan.id}").get_data(as_text=True)
    assert "<strong>API or system</strong> cancelled the plan" in page


def test_an_empty_log_says_so(client_as, make_plan):
    page = client_as("planner").get(f"/events/plans/{make_plan().id}").get_data(as_text=True)
    assert "Nothing has changed yet." in page


def test_the_log_costs_the_same_queries_for_2_or_40_entries(client_as, make_plan, make_user, count_queries):
    plan = make_plan()
    names = [make_user(roles=("planner",)) for _ in range(4)]
    client = client_as("planner")

    def add(count):
        for number in range(count):
            activity.record(plan, names[number % 4], "plan.edited", fields=["title"])
        db.session.commit()

    url = f"/events/plans/{plan.id}"
    add(2)
    client.get(url)
    with count_queries() as two:
        client.get(url)
    add(38)
    with count_queries() as forty:
        page = client.get(url).get_data(as_text=True)
    assert page.count('data-testid="activity-entry"') == 40
    assert len(forty) == len(two)


def test_a_guest_answering_by_link_is_named_as_the_one_who_answered(app, make_plan, make_user):
    plan = make_plan()
    with app.test_request_context():
        answered = activity.record(plan, None, "guests.answered", guest="张伟", rsvp="accepted", companions=0)
        by_task = activity.record(plan, None, "guests.promoted", guests=["Anna"])
        by_planner = activity.record(plan, make_user(name="王策划"), "guests.removed", guest="Anna")
        assert [activity_actor(entry) for entry in (answered, by_task, by_planner)] == ["张伟", "API or system", "王策划"]
