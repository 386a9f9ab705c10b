"""Schemathesis against the app through WSGI: for every /api/v1 operation a fixed number of
generated requests, valid ones and ones that break the OpenAPI description, with a fixed
seed. No answer may be a server error, every answer must conform to the description, and
every request the description forbids must be refused."""
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import new_api

EXAMPLES = 12  # per operation and mode: about 300 requests, a few seconds
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]


def _failures(schema, mode):
    failures = []
    for result in schema.get_all_operations():
        failures.extend(_operation_failures(result.ok(), mode))
    return failures


def _operation_failures(operation, mode):
    failures = []

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        try:  # in testing, an exception in a view reaches the caller instead of becoming a 500
            response = case.call()
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001  (checks raise groups of failures)
            failures.append(f"{operation.label}: {case.as_curl_command()}\n  {str(failure)[:600]}")

    run()
    return failures


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_the_api_keeps_its_description(app, make_user, route_ids, mode):
    api = new_api(app, acts_for=make_user(roles=("admin",)))  # every operation open to the token
    config = schemathesis.Config.from_dict({"auth": {"openapi": {"bearerAuth": {"bearer": api.secret}}}})
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)
    failures = _failures(schema, mode)
    assert not failures, "\n".join(failures[:20])
