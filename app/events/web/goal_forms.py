from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, HiddenField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.events.labels import METRIC_LABELS


class GoalForm(FlaskForm):
    text = StringField(_l("Goal"), validators=[Length(max=500)], description=_l(
        "For example: repurchase rate of the target customers +15% within 3 months."))
    metric = SelectField(_l("Metric"), choices=[SelectChoice("", _l("None: a goal in words, not measurable"))] + [
        SelectChoice(metric.value, label) for metric, label in METRIC_LABELS.items()
    ], description=_l("Rates in %, NPS from −100 to 100, CSAT from 0 to 100, revenue in CNY."))
    baseline = DecimalField(_l("Baseline (optional)"), places=2, validators=[Optional()])
    target = DecimalField(_l("Target"), places=2, validators=[Optional()])
    deadline = DateField(_l("Deadline"), validators=[Optional()], description=_l("On or after the event day."))
    version = HiddenField()  # the goal's version the form was made from (app/core/versions.py)
    submit = SubmitField(_l("Save goal"))

    def values(self):
        return {name: self[name].data for name in ("text", "metric", "baseline", "target", "deadline")}
