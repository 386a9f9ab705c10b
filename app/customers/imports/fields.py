"""The fields of an import and its limits."""
from decimal import Decimal

BATCH_SIZE = 5000
MAX_ERRORS = 1000  # errors kept for the report; the count goes on beyond
KNOWN_CUSTOMERS_MAX = 200_000  # customer ids an import remembers between batches
MAX_AMOUNT = Decimal("9999999999.99")  # Numeric(12, 2)
CENT = Decimal("0.01")
# Limits of an import file, checked before it is parsed (see reading).
MAX_COLUMNS = 300
MAX_HEADER_CHARS = 200
MAX_LINE_CHARS = 1_000_000  # bounds the cells one CSV row can hold
MAX_XLSX_MB = 256  # an XLSX decompressed, all its parts together
MAX_SHARED_STRINGS = 2_000_000  # openpyxl keeps every shared string in memory

CUSTOMER_FIELDS = (
    "external_id", "name", "company", "industry", "contact_person", "contact_title", "email", "phone",
    "wechat_id", "city", "preferred_channel", "preferred_language", "registered_on", "tags", "consent",
)
ORDER_FIELDS = ("external_id", "customer_external_id", "ordered_on", "amount", "product", "channel")
FIELDS = {"customers": CUSTOMER_FIELDS, "orders": ORDER_FIELDS}
REQUIRED = {
    "customers": ("external_id", "name"),
    "orders": ("external_id", "customer_external_id", "ordered_on", "amount"),
}
KINDS = tuple(FIELDS)
