"""The forms of the survey's pages. The guest's answers are read by question id from the posted
form (the questions are the survey's own); the form object carries the CSRF token."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.reviews.models import QUESTION_MAX


class SurveyAnswerForm(FlaskForm):
    submit = SubmitField(_l("Send my answers"))


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice("rating", _l("Rating (1-5)")),
                                                  SelectChoice("text", _l("Text"))])
    text_zh = StringField(_l("Question (Chinese)"), validators=[DataRequired(), Length(max=QUESTION_MAX)])
    text_en = StringField(_l("Question (English)"), validators=[Length(max=QUESTION_MAX)])
    submit = SubmitField(_l("Add question"))


class EditQuestionForm(FlaskForm):
    text_zh = StringField(_l("Question (Chinese)"), validators=[DataRequired(), Length(max=QUESTION_MAX)])
    text_en = StringField(_l("Question (English)"), validators=[Length(max=QUESTION_MAX)])
    submit = SubmitField(_l("Save"))


class OpenSurveyForm(FlaskForm):
    closes_on = DateField(_l("Answers taken until"), validators=[Optional()])
    submit = SubmitField(_l("Open the survey"))


class ActionForm(FlaskForm):
    submit = SubmitField(_l("Confirm"))
