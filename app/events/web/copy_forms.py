"""The copy-a-plan form and its defaults."""
import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length


class CopyPlanForm(FlaskForm):
    title = StringField(_l("Plan title"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)])
    event_day = DateField(_l("New event day"), validators=[InputRequired(_l("Enter the event day."))])
    keep_team = BooleanField(_l("Keep the team (people who are still active)"))
    submit = SubmitField(_l("Create the copy"))


YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def next_year(day):
    """The same day a year later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, day.month, 28)


def copy_title(title):
    """The title with its years bumped by one, or marked as a copy when it names no year."""
    if YEAR.search(title):
        return YEAR.sub(lambda match: str(int(match.group()) + 1), title)
    return _("Copy of %(title)s", title=title)
