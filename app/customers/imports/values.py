"""Parsing the values of an import's cells: dates, amounts, phones, channels...

Every parser takes a raw cell (text, or a number or date from a spreadsheet) and
returns the clean value, or raises InvalidValue with a code of ERROR_MESSAGES.
"""
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email

from app.core.text import single_line
from app.customers.imports.fields import CENT, MAX_AMOUNT
from app.customers.models import Channel, Customer, CustomerTag, Order


class InvalidValue(ValueError):
    """A value that a parser refuses; `code` is a key of ERROR_MESSAGES."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _as_text(value):
    """Cell text; whole numbers from spreadsheets lose their '.0'."""
    if value.__class__ is str:
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return str(value).strip()


def _nfkc(text):
    """Full-width letters, digits and signs as ASCII (ＡＢ１２ -> AB12)."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _key(text):
    """Comparable form: full-width to ASCII, case-folded, without spaces and punctuation."""
    return re.sub(r"[\W_]+", "", _nfkc(text).casefold())


_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(value):
    """2024-07-15, 2024/7/15, 2024.7.15, 2024年7月15日, 20240715 or a spreadsheet date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise InvalidValue("invalid_date")
    text = _as_text(value)
    try:
        if len(text) == 10 and text[4] == "-" == text[7]:  # ISO, the common case
            return date.fromisoformat(text)
        text = _nfkc(text)
        match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
        if not match:
            raise InvalidValue("invalid_date")
        year, month, day = match.groups()
        return date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidValue("invalid_date") from None


_AMOUNT = re.compile(
    r"(-)?\s*(?:[¥￥]|rmb|cny)?\s*(-)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(?:元|rmb|cny)?", re.IGNORECASE
)


def parse_amount(value):
    """¥1,234.50, ￥12,000, 1234, 12000元 or a spreadsheet number: a Decimal with
    at most two decimals, never through float arithmetic."""
    if isinstance(value, bool):
        raise InvalidValue("invalid_amount")
    if isinstance(value, Decimal | int | float):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise InvalidValue("invalid_amount") from None
        if not amount.is_finite():
            raise InvalidValue("invalid_amount")
    else:
        text = str(value).strip()
        match = _AMOUNT.fullmatch(text) or _AMOUNT.fullmatch(_nfkc(text))
        if not match:
            raise InvalidValue("invalid_amount")
        minus_before, minus_after, whole, fraction = match.groups()
        if minus_before and minus_after:
            raise InvalidValue("invalid_amount")
        amount = Decimal(whole.replace(",", "") + (fraction or ""))
        if minus_before or minus_after:
            amount = -amount
    if amount < 0:
        raise InvalidValue("negative_amount")
    if amount > MAX_AMOUNT:  # first: quantizing 10^30 exceeds Decimal's precision
        raise InvalidValue("amount_too_large")
    cents = amount.quantize(CENT)
    if cents != amount:
        raise InvalidValue("too_many_decimals")
    return cents


def parse_email(value):
    try:
        return validate_email(_as_text(value), check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidValue("invalid_email") from None


_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d{9})")
# Area codes: 10 and 2x have two digits after the 0, the others three.
_LANDLINE = re.compile(r"(?:(?:\+86|0086)0?|0)(10|2\d|[3-9]\d{2})(\d{7,8})")
_INTERNATIONAL = re.compile(r"(?:\+|00)(?!86)([1-9]\d{6,14})")


def parse_phone(value):
    """A mainland mobile (+86 optional), a landline such as 010-12345678, or an
    international number starting with +. Stored as 13812345678, 010-12345678
    or +442071234567."""
    text = _nfkc(_as_text(value))
    compact = re.sub(r"[\s\-().]", "", text)
    if match := _MOBILE.fullmatch(compact):
        return match.group(1)
    if match := _LANDLINE.fullmatch(compact):
        return f"0{match.group(1)}-{match.group(2)}"
    if match := _INTERNATIONAL.fullmatch(compact):
        return f"+{match.group(1)}"
    raise InvalidValue("invalid_phone")


def _lookup(words):
    return {_key(word): value for value, synonyms in words.items() for word in synonyms}


_CHANNELS = _lookup({
    Channel.WECHAT.value: ("wechat", "weixin", "wx", "微信", "公众号", "微信公众号", "服务号"),
    Channel.COMMUNITY.value: ("community", "group", "社群", "微信群", "社区", "群"),
    Channel.SMS.value: ("sms", "text", "text message", "短信", "短消息"),
    Channel.EMAIL.value: ("email", "e-mail", "mail", "邮件", "邮箱", "电子邮件"),
    Channel.PHONE.value: ("phone", "telephone", "call", "电话", "手机"),
    Channel.VISIT.value: ("visit", "on-site visit", "拜访", "上门", "上门拜访", "面访", "走访"),
})
_LANGUAGES = _lookup({
    "zh": ("zh", "zh-CN", "zh-Hans", "cn", "chinese", "中文", "汉语", "简体中文", "普通话"),
    "en": ("en", "en-US", "en-GB", "english", "英文", "英语"),
})
_CONSENT = {
    **dict.fromkeys(("yes", "y", "true", "t", "1", "是", "同意", "已同意", "允许", "√", "✓", "✔"), True),
    **dict.fromkeys(("no", "n", "false", "f", "0", "否", "不同意", "未同意", "拒绝", "不", "×", "✗", "✘"), False),
}


def parse_channel(value):
    try:
        return _CHANNELS[_key(_as_text(value))]
    except KeyError:
        raise InvalidValue("invalid_channel") from None


def parse_language(value):
    try:
        return _LANGUAGES[_key(_as_text(value))]
    except KeyError:
        raise InvalidValue("invalid_language") from None


def parse_consent(value):
    if isinstance(value, bool):
        return value
    try:
        return _CONSENT[_nfkc(_as_text(value)).casefold()]
    except KeyError:
        raise InvalidValue("invalid_consent") from None


_TAG_SEPARATORS = re.compile(r"[,，;；、|｜]")
TAG_MAX = CustomerTag.__table__.c.tag.type.length


def parse_tags(value):
    """制造业，成长期;*经理 -> ['制造业', '成长期', '*经理'] (duplicates dropped)."""
    tags = []
    for part in _TAG_SEPARATORS.split(single_line(_as_text(value))):
        tag = part.strip()
        if len(tag) > TAG_MAX:
            raise InvalidValue("too_long")
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _text(column, normalise=False):
    """One line of text (no line breaks or control characters: names and the like
    reach mail headers) up to the column's length; identifiers are also
    NFKC-normalised."""
    limit = column.type.length

    def parse(value):
        text = single_line(_as_text(value))
        text = _nfkc(text) if normalise else text
        if not text:
            raise InvalidValue("required")
        if len(text) > limit:
            raise InvalidValue("too_long")
        return text

    return parse


_customer = Customer.__table__.c
_order = Order.__table__.c
PARSERS = {
    "customers": {
        "external_id": _text(_customer.external_id, normalise=True),
        "name": _text(_customer.name),
        "company": _text(_customer.company),
        "industry": _text(_customer.industry),
        "contact_person": _text(_customer.contact_person),
        "contact_title": _text(_customer.contact_title),
        "email": parse_email,
        "phone": parse_phone,
        "wechat_id": _text(_customer.wechat_id),
        "city": _text(_customer.city),
        "preferred_channel": parse_channel,
        "preferred_language": parse_language,
        "registered_on": parse_date,
        "tags": parse_tags,
        "consent": parse_consent,
    },
    "orders": {
        "external_id": _text(_order.external_id, normalise=True),
        "customer_external_id": _text(_customer.external_id, normalise=True),
        "ordered_on": parse_date,
        "amount": parse_amount,
        "product": _text(_order.product),
        "channel": _text(_order.channel),
    },
}
# What an empty cell means for a field that is not required.
EMPTY = {"tags": [], "consent": False}


def shown(value):
    """The raw value as the report shows it (short)."""
    return "" if value is None else _as_text(value)[:100]
