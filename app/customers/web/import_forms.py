from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from app.customers.imports.fields import FIELDS, REQUIRED
from app.customers.imports.reading import EXTENSIONS
from app.customers.labels import FIELD_LABELS, KIND_LABELS


class UploadForm(FlaskForm):
    kind = RadioField(_l("The file holds"), choices=[SelectChoice(kind, label) for kind, label in KIND_LABELS.items()], default="customers")
    file = FileField(
        _l("File"),
        validators=[
            FileRequired(_l("Choose a file to upload.")),
            FileAllowed(EXTENSIONS, _l("Upload a CSV file or an Excel workbook (.xlsx).")),
        ],
        description=_l("CSV (UTF-8 or GBK) or Excel .xlsx; the first row holds the column names."),
    )
    submit = SubmitField(_l("Upload and preview"))


class MappingForm(FlaskForm):
    """One select per column of the file; built by `mapping_form`."""

    submit = SubmitField(_l("Import"))

    def column_fields(self):
        return [self[f"column_{index}"] for index in range(len(self.headers))]

    def mapping(self):
        """{header: field or ''} as chosen."""
        return {header: field.data or "" for header, field in zip(self.headers, self.column_fields())}


def mapping_form(kind, mapping):
    """A MappingForm for a job's columns (`mapping` keeps the file's column order),
    each select preset to the automatic match."""
    labels = FIELD_LABELS[kind]
    choices = [SelectChoice("", _l("— ignore —"))] + [
        SelectChoice(name, _l("%(label)s (required)", label=labels[name]) if name in REQUIRED[kind] else labels[name])
        for name in FIELDS[kind]
    ]
    headers = list(mapping)

    class Form(MappingForm):
        pass

    for index, header in enumerate(headers):
        setattr(Form, f"column_{index}", SelectField(header, choices=choices, default=mapping[header]))
    form = Form()
    form.headers = headers
    return form
