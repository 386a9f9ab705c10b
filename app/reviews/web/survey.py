"""The guest's survey page, by the invitation's survey link, no login, phone-first, in the guest's
language. Every wrong link (unknown, malformed, revoked, another kind of token, a survey not open
or closed) gets the same friendly page, which reveals nothing."""
from flask import current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale, refresh
from flask_babel import gettext as _

from app.auth.access import public
from app.core import errors
from app.core.errors import DomainError
from app.events.guest_text import for_guest
from app.extensions import db, limiter
from app.reviews import responses, surveys
from app.reviews.models import SCORE_RANGES, QuestionKind
from app.reviews.web.blueprint import bp
from app.reviews.web.forms import SurveyAnswerForm

# One budget per client address, as the RSVP page's.
survey_rate_limit = limiter.shared_limit(lambda: current_app.config["RSVP_RATE_LIMIT"], scope="survey")

GUEST_ENDPOINTS = {"reviews.survey"}


class InvalidSurveyLink(Exception):
    """Whatever was wrong with the link: always the same page."""


@bp.errorhandler(InvalidSurveyLink)
def invalid_link(error):
    return render_template("reviews/survey_invalid.html"), 404


@bp.errorhandler(429)
def too_many_requests(error):
    if request.endpoint not in GUEST_ENDPOINTS:
        return errors.too_many_requests(error)
    page = render_template("invitations/rsvp_busy.html", title=errors.ERROR_TITLES[429], text=errors.ERROR_TEXTS[429])
    return errors.with_retry_after(make_response(page, 429))


def _url(invitation, **values):
    lang = request.args.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        values["lang"] = lang
    return url_for("reviews.survey", token=invitation.survey_token, **values)


# `path`: a token with a slash in it still reaches the friendly page.
@bp.route("/survey/<path:token>", methods=["GET", "POST"], endpoint="survey")
@public
@survey_rate_limit
def survey_page(token):
    found = surveys.guest_survey(token)
    if found is None:
        raise InvalidSurveyLink()
    invitation, survey = found
    g.page_locale = invitation.locale
    refresh()
    form = SurveyAnswerForm()
    response = responses.response_of(survey, invitation)
    values, field_errors = responses.current_values(response), {}
    if request.method == "POST":
        values = {q.id: request.form.get(f"q{q.id}", "") for q in survey.questions}
        if form.validate_on_submit():
            try:
                responses.save_response(survey, invitation, values)
            except DomainError as error:
                db.session.rollback()
                field_errors[error.field] = error.message
            else:
                db.session.commit()
                flash(_("Thank you! Your answers have been saved. You can change them until the survey closes."),
                      "success")
                return redirect(_url(invitation))
    other = "en" if str(get_locale()) == "zh" else "zh"
    page = render_template(
        "reviews/survey.html", invitation=invitation, survey=survey, form=form, values=values,
        field_errors=field_errors, answered=response is not None, locale=str(get_locale()),
        text=for_guest(invitation.plan, str(get_locale())), ranges=SCORE_RANGES, kinds=QuestionKind,
        action=_url(invitation), switch_url=url_for("reviews.survey", token=invitation.survey_token, lang=other),
        switch_lang=other)
    return page, (422 if field_errors else 200), {"Cache-Control": "no-store"}
