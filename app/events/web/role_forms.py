from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired


def _user_id(value):
    """The chosen user's id; None for the "Choose a person" placeholder."""
    return int(value) if value not in ("", None) else None


class AssignRoleForm(FlaskForm):
    """Adds a person to one role of the plan's team; the plan page shows one per role."""

    role = HiddenField(validators=[InputRequired(_l("Choose a role."))])
    user_id = SelectField(_l("Person"), coerce=_user_id, validate_choice=False,
                          validators=[InputRequired(_l("Choose a person."))])
