"""Every page and API route with a record number in its path answers 404 for a number the
database's INTEGER cannot hold (or 0), never a 500 from the driver's overflow."""
import re

import pytest
from werkzeug.routing import IntegerConverter

from app.core.http import ID_MAX

PARAMETER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
NUMBERS = (ID_MAX + 1, 2**63, 10**23, 0)


def id_routes(app):
    """(rule, method) for every route with an `int` parameter."""
    return [(rule, method) for rule in app.url_map.iter_rules()
            if any(isinstance(converter, IntegerConverter) for converter in rule._converters.values())
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def test_every_int_parameter_is_a_bounded_record_id(app):
    routes = id_routes(app)
    assert len({rule.endpoint for rule, _ in routes}) > 40
    for rule, _ in routes:
        for converter in rule._converters.values():
            if isinstance(converter, IntegerConverter):
                assert (converter.min, converter.max) == (1, ID_MAX), rule.rule


@pytest.mark.parametrize("number", NUMBERS)
def test_a_number_out_of_range_answers_404_on_every_route(app, client_as, number):
    admin = client_as("admin")
    answers = {}
    for rule, method in id_routes(app):
        path = PARAMETER.sub(lambda match: str(number) if match.group(1) == "int" else "x", rule.rule)
        answers[f"{method} {path}"] = admin.open(path, method=method).status_code
    assert answers and set(answers.values()) == {404}, {path: code for path, code in answers.items() if code != 404}
