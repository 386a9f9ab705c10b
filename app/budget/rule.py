"""The contingency rule of DOMAIN.md section 6, in exact decimal arithmetic.

The reserve must be 10% to 15%, bounds inclusive, of the sum of the non-contingency
lines: the source's example (six items summing to 42,000 with 4,200 contingency)
passes, whereas measured against the 46,200 total it would not. Comparisons are made
by multiplying, never dividing, so no rounding can move a budget across a bound."""
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
LOW = Decimal("0.10")
HIGH = Decimal("0.15")


def line_amount(quantity, unit_price):
    """Quantity x unit price rounded to the cent (half up, as on an invoice)."""
    return (Decimal(quantity) * Decimal(unit_price)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ContingencyCheck:
    base: Decimal  # the sum of the non-contingency lines
    contingency: Decimal | None  # None when the budget has no contingency line
    low: Decimal  # the smallest passing contingency, to the cent
    high: Decimal  # the largest passing contingency, to the cent

    @property
    def total(self):
        return self.base + (self.contingency or ZERO)

    @property
    def ratio(self):
        """contingency / base, for display only (never used to decide)."""
        if self.contingency is None or not self.base:
            return None
        return self.contingency / self.base

    @property
    def has_contingency(self):
        return self.contingency is not None

    @property
    def passes(self):
        return (
            self.contingency is not None and self.base > 0
            and self.base * LOW <= self.contingency <= self.base * HIGH
        )

    @property
    def ten_percent(self):
        """The contingency that the one-click fix sets: 10% of the base, up to the cent."""
        return self.low


def check_contingency(base, contingency):
    """`base` and `contingency` are Decimal sums of line amounts (contingency None when
    there is no such line)."""
    base = Decimal(base)
    contingency = None if contingency is None else Decimal(contingency)
    return ContingencyCheck(
        base=base,
        contingency=contingency,
        low=(base * LOW).quantize(CENT, rounding=ROUND_CEILING),
        high=(base * HIGH).quantize(CENT, rounding=ROUND_FLOOR),
    )
