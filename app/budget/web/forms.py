"""The forms of the budget's pages: a line, the actual spend, an approval decision."""
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import HiddenInput, NumberInput

from app.budget.approvals import COMMENT_MAX
from app.budget.labels import CATEGORY_LABELS
from app.budget.lines import FIELDS

MAX_QUANTITY = Decimal("1000000")
MAX_UNIT_PRICE = Decimal("100000000")
MAX_ACTUAL = Decimal("1000000000")
# Typed separators and currency signs that a number may carry: "¥4,200.00", "4 200".
NOT_DIGITS = str.maketrans("", "", ",，¥￥ \u00a0")


class MoneyField(DecimalField):
    """A Decimal of whole cents (never a float); empty input gives None. Accepts thousands
    separators and the yuan sign, refuses NaN, infinities and fractions of a cent."""

    widget = NumberInput(step="0.01", min="0")

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        text = valuelist[0].translate(NOT_DIGITS)
        if not text:
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(_l("Enter a number, such as 1200.50.")) from None
        if not value.is_finite():
            raise ValueError(_l("Enter a number, such as 1200.50."))
        _sign, digits, exponent = value.as_tuple()
        if exponent < -2 and any(digits[exponent + 2:]):
            raise ValueError(_l("Use at most two decimal places."))
        self.data = value


class Within(NumberRange):
    """0 to `maximum`; says nothing when the input was not a number (MoneyField did)."""

    def __init__(self, maximum):
        super().__init__(min=0, max=maximum, message=_l("Enter a number from 0 to %(max)s.", max=f"{maximum:,}"))

    def __call__(self, form, field):
        if field.data is not None:
            super().__call__(form, field)


class LineForm(FlaskForm):
    category = SelectField(_l("Category"), choices=[SelectChoice("", _l("Choose a category"))] + [
        SelectChoice(value, label) for value, label in CATEGORY_LABELS.items()
    ], validators=[InputRequired(_l("Choose a category."))])
    description = StringField(_l("Description"), validators=[DataRequired(_l("Describe the line.")), Length(max=200)])
    quantity = MoneyField(_l("Quantity"), validators=[InputRequired(_l("Enter the quantity.")), Within(MAX_QUANTITY)])
    unit = StringField(_l("Unit"), validators=[Length(max=20)])
    unit_price = MoneyField(_l("Unit price (¥)"), validators=[InputRequired(_l("Enter the unit price.")),
                                                              Within(MAX_UNIT_PRICE)])
    note = TextAreaField(_l("Note"), validators=[Length(max=1000)])
    version = HiddenField()  # the line's version the edit form was made from (app/core/versions.py)
    submit = SubmitField(_l("Add line"))

    def values(self):
        return {name: self[name].data for name in FIELDS}


class ActualLineForm(Form):
    """One line's row of the actual-spend form (the CSRF token is the outer form's)."""

    line_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    actual = MoneyField(_l("Actual spend (¥)"), validators=[Optional(), Within(MAX_ACTUAL)])
    receipt_note = StringField(_l("Receipt"), validators=[Length(max=200)])


class ActualsForm(FlaskForm):
    lines = FieldList(FormField(ActualLineForm))
    submit = SubmitField(_l("Save actual spend"))

    def entries(self):
        """{line id: (actual, receipt note)} as typed."""
        return {entry.line_id.data: (entry.actual.data, entry.receipt_note.data) for entry in self.lines}


class DecisionForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[Length(max=COMMENT_MAX)],
                            description=_l("Required to reject: say what must change."))
    # The fingerprint of the budget the page showed (app/budget/approvals.fingerprint); a decision
    # on a budget that changed since is refused.
    seen = HiddenField()
