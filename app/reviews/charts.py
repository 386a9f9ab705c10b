"""The geometry of a score distribution's bar chart (an inline SVG, no script): one bar per score,
coloured by NPS group (detractor, passive, promoter) or CSAT (unsatisfied, neutral, satisfied)."""
from dataclasses import dataclass

from app.reviews.models import QuestionKind

WIDTH, HEIGHT, BASE, TOP = 340, 160, 140, 16


@dataclass(frozen=True)
class Bar:
    score: int
    count: int
    x: float
    y: float
    width: float
    height: float
    group: str


def _group(kind, score):
    if kind == QuestionKind.NPS:
        return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    return "promoter" if score >= 4 else "passive" if score == 3 else "detractor"


def bars(distribution, kind):
    """{width, height, base, bars: [Bar]} for `distribution` [(score, count)]."""
    highest = max((count for _score, count in distribution), default=0) or 1
    slot = WIDTH / len(distribution)
    result = []
    for index, (score, count) in enumerate(distribution):
        height = (BASE - TOP) * count / highest
        result.append(Bar(score, count, index * slot + slot * 0.15, BASE - height, slot * 0.7, height,
                          _group(kind, score)))
    return {"width": WIDTH, "height": HEIGHT, "base": BASE, "bars": result}
