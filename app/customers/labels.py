"""The words of customers: the labels of tiers, lifecycle stages, channels, import kinds,
fields and states, and the messages of import errors. Views, exports, the CLI and the
API all take them from here."""
from flask_babel import lazy_gettext as _l

from app.customers.imports.fields import (
    MAX_COLUMNS,
    MAX_HEADER_CHARS,
    MAX_LINE_CHARS,
    MAX_SHARED_STRINGS,
    MAX_XLSX_MB,
)
from app.customers.models import Channel, Lifecycle, Tier

TIER_LABELS = {
    Tier.HIGH_VALUE: _l("High-value"),
    Tier.CHURN_RISK: _l("Churn-risk"),
    Tier.NEW: _l("Newly active"),
    Tier.GROWTH: _l("Growth potential"),
    Tier.GENERAL: _l("General"),
}

LIFECYCLE_LABELS = {
    Lifecycle.NEW: _l("New"),
    Lifecycle.GROWTH: _l("Growing"),
    Lifecycle.MATURE: _l("Mature"),
    Lifecycle.CHURN_RISK: _l("At risk of churn"),
}

CHANNEL_LABELS = {
    Channel.WECHAT: _l("WeChat"),
    Channel.COMMUNITY: _l("Community group"),
    Channel.SMS: _l("SMS"),
    Channel.EMAIL: _l("E-mail"),
    Channel.PHONE: _l("Phone"),
    Channel.VISIT: _l("Visit"),
}

# "high-value, churn-risk, newly active, growth potential": the order the rules are tried in.
PRECEDENCE_LABELS = [label for tier, label in TIER_LABELS.items() if tier != Tier.GENERAL]

KIND_LABELS = {"customers": _l("Customers"), "orders": _l("Orders")}

FIELD_LABELS = {
    "customers": {
        "external_id": _l("Customer ID"),
        "name": _l("Name"),
        "company": _l("Company"),
        "industry": _l("Industry"),
        "contact_person": _l("Contact person"),
        "contact_title": _l("Contact's title"),
        "email": _l("E-mail"),
        "phone": _l("Phone"),
        "wechat_id": _l("WeChat ID"),
        "city": _l("City"),
        "preferred_channel": _l("Preferred channel"),
        "preferred_language": _l("Preferred language"),
        "registered_on": _l("Registration or first purchase date"),
        "tags": _l("Tags"),
        "consent": _l("Consent to be contacted"),
    },
    "orders": {
        "external_id": _l("Order ID"),
        "customer_external_id": _l("Customer ID"),
        "ordered_on": _l("Order date"),
        "amount": _l("Amount"),
        "product": _l("Product"),
        "channel": _l("Sales channel"),
    },
}

# Stable codes, stored in reports; the reader's language is chosen when shown.
ERROR_MESSAGES = {
    "required": _l("A value is required."),
    "unknown_field": _l("This column is not a field of the import."),
    "too_long": _l("The text is too long for this column."),
    "invalid_date": _l("Not a date. Write it as 2024-07-15, 2024/7/15 or 2024年7月15日."),
    "invalid_amount": _l("Not an amount. Write a number such as 1234.50, 1,234.50 or ¥1,234.50."),
    "negative_amount": _l("The amount cannot be negative."),
    "too_many_decimals": _l("The amount has more than two decimals."),
    "amount_too_large": _l("The amount is too large."),
    "invalid_email": _l("Not a valid e-mail address."),
    "invalid_phone": _l("Not a valid phone number (a mobile, a landline such as 010-12345678, or +country code)."),
    "invalid_channel": _l("Unknown channel. Use WeChat, community, SMS, e-mail, phone or visit."),
    "invalid_language": _l("Unknown language. Use zh (中文) or en (English)."),
    "invalid_consent": _l("Not a yes/no value. Use yes, no, 是 or 否."),
    "duplicate_id": _l("This ID already appears on an earlier line of the file."),
    "unknown_customer": _l("No customer has this customer ID. Import the customer first."),
    # Whole-file problems (no line), see import_parsing.
    "unsupported_file": _l("This file type cannot be imported. Upload a CSV file or an Excel workbook (.xlsx)."),
    "legacy_excel": _l("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV and upload it again."),
    "unreadable_file": _l("The file cannot be read. Check that it is a CSV file or an Excel workbook (.xlsx) and not damaged."),
    "unknown_encoding": _l("The text of the file is neither UTF-8 nor GBK/GB18030. Save it as CSV UTF-8 and upload it again."),
    "empty_file": _l("The file has no header row and no data."),
    "no_rows": _l("The file has a header row but no data rows."),
    "too_many_columns": _l("The file has more than %(n)d columns. Keep only the columns to import.", n=MAX_COLUMNS),
    "header_too_long": _l("A column name is longer than %(n)d characters. Is the first row the header?",
                          n=MAX_HEADER_CHARS),
    "line_too_long": _l("A line of the file is longer than %(n)s characters.", n=f"{MAX_LINE_CHARS:,}"),
    "workbook_too_large": _l("The workbook expands to more than %(mb)d MB. Save it as CSV and upload that instead.",
                             mb=MAX_XLSX_MB),
    "too_many_strings": _l("The workbook holds more than %(n)s different texts. Save it as CSV and upload that instead.",
                           n=f"{MAX_SHARED_STRINGS:,}"),
    "file_missing": _l("The uploaded file is no longer available. Upload it again."),
    "internal_error": _l("The import stopped because of an unexpected error. Nothing was written. Please try again."),
    "abandoned": _l("The import was never finished (not confirmed, or its worker stopped). Nothing was written. Please upload the file again."),
}

IMPORT_STATUS_LABELS = {
    "reading": _l("Reading the file"),
    "uploaded": _l("Waiting for the column check"),
    "queued": _l("Queued"),
    "validating": _l("Checking rows"),
    "writing": _l("Writing"),
    "done": _l("Imported"),
    "failed": _l("Failed"),
}

# What the customer and import templates get.
LABELS = {"tier_labels": TIER_LABELS, "lifecycle_labels": LIFECYCLE_LABELS, "channel_labels": CHANNEL_LABELS,
          "kind_labels": KIND_LABELS, "status_labels": IMPORT_STATUS_LABELS}
