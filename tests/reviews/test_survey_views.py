"""The guest's survey page by the invitation's survey link: in the guest's language, one guest's
answers only, the same friendly page for every wrong link (closed, unknown, malformed, revoked, a
token of another kind), and the RSVP page's rate limit."""
import pytest

from app.extensions import db, limiter
from app.invitations.services import reissue
from app.reviews import responses, surveys
from tests.reviews.conftest import answer, question


@pytest.fixture
def make_guest(make_guest, check_in):
    """Guests the door checked in: the survey is theirs."""

    def make(**fields):
        guest = make_guest(**fields)
        check_in(guest)
        return guest

    return make


def page(token):
    return f"/survey/{token}"


def form(survey, nps="9", csat="5", liked="", improve=""):
    texts = [q for q in survey.questions if q.kind == "text"]
    return {f"q{question(survey, 'nps').id}": nps, f"q{question(survey, 'csat').id}": csat,
            f"q{texts[0].id}": liked, f"q{texts[-1].id}": improve}


def invalid(response):
    return response.status_code == 404 and 'data-testid="invalid-link"' in response.get_data(as_text=True)


def test_the_guest_answers_and_edits_in_their_language(client, open_survey, make_guest):
    guest = make_guest(name="Ann Lee", locale="en")
    shown = client.get(page(guest.survey_token))
    body = shown.get_data(as_text=True)
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    assert "How likely are you to recommend us to a friend or colleague?" in body and "Thank-you dinner" in body
    saved = client.post(page(guest.survey_token), data=form(open_survey, liked="Great food"))
    assert saved.status_code == 302
    again = client.get(page(guest.survey_token)).get_data(as_text=True)
    assert 'data-testid="already-answered"' in again and "Great food" in again
    client.post(page(guest.survey_token), data=form(open_survey, nps="4"))
    assert responses.current_values(responses.response_of(open_survey, guest))[question(open_survey, "nps").id] == "4"


def test_chinese_guest_reads_chinese(client, open_survey, make_guest):
    body = client.get(page(make_guest(locale="zh").survey_token)).get_data(as_text=True)
    assert "您向朋友或同事推荐我们的可能性有多大？" in body and "答谢晚宴" in body


def test_bad_input_keeps_what_the_guest_typed(client, open_survey, make_guest):
    guest = make_guest(locale="en")
    refused = client.post(page(guest.survey_token), data=form(open_survey, nps="", liked="Keep me"))
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Please answer this question." in body and "Keep me" in body
    assert responses.response_of(open_survey, guest) is None


@pytest.fixture
def guest_and_links(open_survey, make_guest):
    guest = make_guest()
    return guest, {"rsvp": guest.rsvp_token, "checkin": guest.checkin_token}


@pytest.mark.parametrize("wrong", ["rsvp", "checkin", "unknown", "malformed", "slash", "revoked"])
def test_every_wrong_link_gets_the_same_friendly_page(client, guest_and_links, wrong):
    guest, links = guest_and_links
    if wrong == "revoked":
        old = guest.survey_token
        reissue(guest, "survey", None)
        db.session.commit()
        token = old
    else:
        token = {"unknown": "A" * 43, "malformed": "abc$%^", "slash": "abc%2Fdef", **links}[wrong]
    answered = client.get(page(token))
    assert invalid(answered)
    assert guest.name not in answered.get_data(as_text=True)
    assert invalid(client.post(page(token), data={}))


def test_closed_or_draft_survey_gets_the_same_page(client, past_plan, make_guest):
    guest = make_guest()
    survey = surveys.survey_for(past_plan)
    db.session.commit()
    assert invalid(client.get(page(guest.survey_token)))  # a draft: not open yet
    surveys.open_survey(survey, past_plan)
    surveys.close_survey(survey)
    db.session.commit()
    assert invalid(client.get(page(guest.survey_token)))


def test_a_guest_who_did_not_come_gets_the_same_page(client, open_survey, past_plan, make_invitation, check_in):
    absent, undone = make_invitation(plan=past_plan), make_invitation(plan=past_plan)
    check_in(undone, undone=True)  # a check-in made by mistake and undone: did not come
    assert invalid(client.get(page(absent.survey_token)))
    assert invalid(client.get(page(undone.survey_token)))


def test_one_guest_cannot_read_or_answer_another(client, open_survey, make_guest):
    ann, bob = make_guest(name="Ann"), make_guest(name="Bob")
    answer(open_survey, bob, nps=2, csat=1, improve="Bob's secret")
    ann_page = client.get(page(ann.survey_token)).get_data(as_text=True)
    assert "Bob" not in ann_page and "Bob's secret" not in ann_page
    client.post(page(ann.survey_token), data={**form(open_survey, nps="10"), "invitation_id": bob.id})
    assert responses.current_values(responses.response_of(open_survey, bob))[question(open_survey, "nps").id] == "2"
    assert responses.current_values(responses.response_of(open_survey, ann))[question(open_survey, "nps").id] == "10"


def test_the_survey_page_is_rate_limited_per_address(make_app, open_survey, make_guest):
    guest = make_guest()
    limited = make_app(RATELIMIT_ENABLED=True, RSVP_RATE_LIMIT="2 per minute", RATELIMIT_STORAGE_URI="memory://")
    with limited.app_context():
        limiter.reset()
    client = limited.test_client()
    codes = [client.get(page(token)).status_code for token in (guest.survey_token, "wrong-guess", guest.survey_token)]
    assert codes == [200, 404, 429]
