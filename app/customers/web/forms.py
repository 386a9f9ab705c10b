
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core import clock
from app.customers.labels import LIFECYCLE_LABELS, TIER_LABELS
from app.customers.models import Tier, TierRules

MAX_DAYS = 36500
MAX_COUNT = 100000
MAX_MONEY = 9999999999  # Numeric(12, 2)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        """Unknown values in a shared link are dropped, not an error."""
        known = {choice[0] for choice in self.iter_choices()}
        self.data = [value for value in self.data or () if value in known]


class CustomerFilterForm(FlaskForm):
    """The list's GET form: every filter lives in the URL, so a filtered list is a link."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), render_kw={"placeholder": _l("Name, company, phone or customer number")})
    tier = MultiCheckboxField(_l("Tier"), choices=[SelectChoice(t.value, label) for t, label in TIER_LABELS.items()])
    lifecycle = SelectField(
        _l("Lifecycle stage"),
        choices=[SelectChoice("", _l("Any"))] + [SelectChoice(s.value, label) for s, label in LIFECYCLE_LABELS.items()],
        default="",
    )
    industry = SelectField(_l("Industry"), validate_choice=False, default="")
    city = SelectField(_l("City"), validate_choice=False, default="")
    tag = StringField(_l("Tag"))
    silent_days = IntegerField(_l("No contact for more than (days)"), validators=[Optional(), NumberRange(0, MAX_DAYS)])
    contacted_days = IntegerField(_l("Contacted within (days)"), validators=[Optional(), NumberRange(0, MAX_DAYS)])
    sort = HiddenField()
    order = HiddenField()

    def set_choices(self, industries, cities):
        any_ = SelectChoice("", _l("Any"))
        self.industry.choices = [any_] + [SelectChoice(v, v) for v in industries]
        self.city.choices = [any_] + [SelectChoice(v, v) for v in cities]

    def valid_data(self):
        """The filters that passed validation; a bad field is ignored (and shows its error)."""
        def value(field):
            return field.data or None if not field.errors else None

        return {
            "tiers": tuple(self.tier.data or ()),
            "lifecycle": value(self.lifecycle),
            "industry": value(self.industry),
            "city": value(self.city),
            "tag": value(self.tag),
            "silent_days": self.silent_days.data if not self.silent_days.errors else None,
            "contacted_days": self.contacted_days.data if not self.contacted_days.errors else None,
            "q": value(self.q),
            "sort": self.sort.data or "",
            "descending": self.order.data == "desc",
        }


def _seed(name):
    return TierRules.__table__.c[name].default.arg


def _days(label, name):
    return IntegerField(label, validators=[InputRequired(), NumberRange(0, MAX_DAYS)],
                        description=_l("Default: %(value)s", value=_seed(name)))


def _count(label, name):
    return IntegerField(label, validators=[InputRequired(), NumberRange(0, MAX_COUNT)],
                        description=_l("Default: %(value)s", value=_seed(name)))


def _money(label, name):
    return DecimalField(label, places=2, validators=[InputRequired(), NumberRange(0, MAX_MONEY)],
                        description=_l("Default: ¥%(value)s", value=f"{_seed(name):,}"),
                        render_kw={"step": "0.01", "min": "0"})


class TierRulesForm(FlaskForm):
    high_r_max = _days(_l("R at most (days since the last purchase)"), "high_r_max")
    high_f_min = _count(_l("F at least (purchases in 12 months)"), "high_f_min")
    high_m_min = _money(_l("M at least (amount in 12 months)"), "high_m_min")
    churn_r_min = _days(_l("R at least (days since the last purchase)"), "churn_r_min")
    churn_f_max = _count(_l("F at most (purchases in 12 months)"), "churn_f_max")
    churn_m_max = _money(_l("M at most (amount in 12 months)"), "churn_m_max")
    new_first_days = _days(_l("First purchase within (days)"), "new_first_days")
    new_f = _count(_l("F exactly (purchases in 12 months)"), "new_f")
    new_m_min = _money(_l("M at least (amount in 12 months)"), "new_m_min")
    growth_r_max = _days(_l("R at most (days since the last purchase)"), "growth_r_max")
    growth_f_min = _count(_l("F from"), "growth_f_min")
    growth_f_max = _count(_l("F to"), "growth_f_max")
    growth_m_min = _money(_l("M from"), "growth_m_min")
    growth_m_max = _money(_l("M to"), "growth_m_max")
    submit = SubmitField(_l("Save thresholds"))

    # The fields of each tier, in the order of precedence.
    GROUPS = (
        (Tier.HIGH_VALUE, ("high_r_max", "high_f_min", "high_m_min")),
        (Tier.CHURN_RISK, ("churn_r_min", "churn_f_max", "churn_m_max")),
        (Tier.NEW, ("new_first_days", "new_f", "new_m_min")),
        (Tier.GROWTH, ("growth_r_max", "growth_f_min", "growth_f_max", "growth_m_min", "growth_m_max")),
    )

    def values(self):
        return {name: getattr(self, name).data for name in TierRules.FIELDS}


class RecomputeForm(FlaskForm):
    as_of = DateField(_l("As of"), validators=[Optional()],
                      description=_l("Leave empty for today. Only orders and contacts up to this day count."))
    submit = SubmitField(_l("Recompute now"))

    def validate_as_of(self, field):
        if field.data and field.data > clock.today():
            raise ValidationError(_l("The date cannot be in the future."))
