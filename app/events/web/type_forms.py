from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.customers.labels import TIER_LABELS
from app.customers.web.forms import MultiCheckboxField

TIER_CHOICES = [SelectChoice(tier.value, label) for tier, label in TIER_LABELS.items()]


class EventTypeForm(FlaskForm):
    code = StringField(
        _l("Code"), validators=[Optional(), Length(max=40)],
        description=_l("A short identifier, e.g. vip_dinner: lower-case letters, digits and underscores."),
    )
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)])
    description_zh = TextAreaField(_l("Design points (Chinese)"), validators=[Length(max=2000)])
    description_en = TextAreaField(_l("Design points (English)"), validators=[Length(max=2000)])
    tiers = MultiCheckboxField(_l("Fitting tiers"), choices=TIER_CHOICES)
    active = BooleanField(_l("Active (offered when planning)"), default=True)
    submit = SubmitField(_l("Save"))

    def values(self):
        return {name: self[name].data for name in (
            "code", "name_zh", "name_en", "description_zh", "description_en", "tiers", "active",
        )}


class RecommendForm(FlaskForm):
    """GET form: the choice lives in the URL."""

    class Meta:
        csrf = False

    tier = MultiCheckboxField(_l("Target tiers"), choices=TIER_CHOICES)
    type = SelectField(_l("Event type"), validate_choice=False, default="")
