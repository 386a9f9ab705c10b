"""The planner's survey page of a plan: the questions (edited while the survey is a draft),
opening and closing it."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.auth.access import roles_required
from app.core.errors import DomainError
from app.extensions import db
from app.reviews import questions, surveys, tasks
from app.reviews.labels import LABELS
from app.reviews.web.blueprint import bp
from app.reviews.web.common import EDITORS, plan_or_404
from app.reviews.web.forms import ActionForm, EditQuestionForm, OpenSurveyForm, QuestionForm


def _page(plan, survey, question_form=None, open_form=None, error=None, status=200):
    return render_template(
        "reviews/setup.html", plan=plan, survey=survey, question_form=question_form or QuestionForm(),
        open_form=open_form or OpenSurveyForm(), action_form=ActionForm(), edit_form=EditQuestionForm(),
        labels=LABELS, send_day=surveys.send_day(survey, plan), error=error), status


def _survey(plan_id):
    plan = plan_or_404(plan_id)
    survey = surveys.survey_for(plan)
    db.session.commit()
    return plan, survey


def _back(plan):
    return redirect(url_for("reviews.setup", plan_id=plan.id))


@bp.route("/events/plans/<int:plan_id>/survey")
@roles_required(*EDITORS)
def setup(plan_id):
    return _page(*_survey(plan_id))


@bp.route("/events/plans/<int:plan_id>/survey/questions", methods=["POST"])
@roles_required(*EDITORS)
def add_question(plan_id):
    plan, survey = _survey(plan_id)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _page(plan, survey, question_form=form, status=422)
    try:
        questions.add_question(survey, form.kind.data, form.text_zh.data, form.text_en.data)
    except DomainError as error:
        db.session.rollback()
        return _page(plan, survey, question_form=form, error=error.message, status=422)
    db.session.commit()
    flash(_("Question added."), "success")
    return _back(plan)


@bp.route("/events/plans/<int:plan_id>/survey/questions/<int:question_id>", methods=["POST"])
@roles_required(*EDITORS)
def edit_question(plan_id, question_id):
    plan, survey = _survey(plan_id)
    form = EditQuestionForm()
    if not form.validate_on_submit():
        return _page(plan, survey, error=_("Write the question in Chinese."), status=422)
    try:
        questions.edit_question(survey, question_id, form.text_zh.data, form.text_en.data)
    except DomainError as error:
        db.session.rollback()
        return _page(plan, survey, error=error.message, status=422)
    db.session.commit()
    flash(_("Question saved."), "success")
    return _back(plan)


@bp.route("/events/plans/<int:plan_id>/survey/questions/<int:question_id>/remove", methods=["POST"])
@roles_required(*EDITORS)
def remove_question(plan_id, question_id):
    plan, survey = _survey(plan_id)
    if not ActionForm().validate_on_submit():
        return _page(plan, survey, status=422)
    try:
        questions.remove_question(survey, question_id)
    except DomainError as error:
        db.session.rollback()
        return _page(plan, survey, error=error.message, status=422)
    db.session.commit()
    flash(_("Question removed."), "success")
    return _back(plan)


@bp.route("/events/plans/<int:plan_id>/survey/open", methods=["POST"])
@roles_required(*EDITORS)
def open_survey(plan_id):
    plan, survey = _survey(plan_id)
    form = OpenSurveyForm()
    if not form.validate_on_submit():
        return _page(plan, survey, open_form=form, status=422)
    try:
        surveys.open_survey(survey, plan, form.closes_on.data)
    except DomainError as error:
        db.session.rollback()
        return _page(plan, survey, open_form=form, error=error.message, status=422)
    db.session.commit()
    tasks.send_plan_survey.delay(plan.id)  # sent now if its day has come, else by the daily run
    flash(_("The survey is open: it is sent to the guests who came on %(day)s.", day=survey.opens_on.isoformat()),
          "success")
    return _back(plan)


@bp.route("/events/plans/<int:plan_id>/survey/close", methods=["POST"])
@roles_required(*EDITORS)
def close_survey(plan_id):
    plan, survey = _survey(plan_id)
    if not ActionForm().validate_on_submit():
        return _page(plan, survey, status=422)
    try:
        surveys.close_survey(survey)
    except DomainError as error:
        db.session.rollback()
        return _page(plan, survey, error=error.message, status=422)
    db.session.commit()
    flash(_("The survey is closed."), "success")
    return _back(plan)
