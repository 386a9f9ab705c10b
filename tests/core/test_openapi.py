"""The OpenAPI document: served publicly, well formed, and describing exactly the
/api/v1 routes the app registers; and its readable page."""
import json
import re

import pytest

from app.core.api import openapi_document

METHODS = {"get", "put", "post", "patch", "delete"}


def registered_api_operations(app):
    """{(path in OpenAPI form, method)} of every /api/v1 route."""
    return {
        (re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def documented_operations(document):
    return {(path, method) for path, item in document["paths"].items() for method in item if method in METHODS}


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def resolve(document, ref):
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


@pytest.fixture
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def test_document_is_public_openapi_3_1(document, app):
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] and document["info"]["version"]
    assert document["servers"] == [{"url": app.config["BASE_URL"]}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert document["security"] == [{"bearerAuth": []}]


def test_every_api_route_is_documented_and_nothing_else(document, app):
    assert registered_api_operations(app)  # the comparison below is not vacuous
    assert documented_operations(document) == registered_api_operations(app)


def test_an_undocumented_route_fails_the_comparison(app):
    @app.route("/api/v1/secret-export/<int:year>")
    def secret_export(year):
        return {}

    assert ("/api/v1/secret-export/{year}", "get") in registered_api_operations(app) - documented_operations(
        openapi_document(app)
    )


def test_every_reference_resolves(document):
    found = list(refs(document))
    assert found
    for ref in found:
        assert isinstance(resolve(document, ref), dict)


def test_operations_are_complete(document):
    ids = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            ids.append(operation["operationId"])
            assert operation["summary"] and operation["responses"]
            assert "401" in operation["responses"] and "429" in operation["responses"], (path, method)
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{([^}]+)}", path)), path
            if method == "post":
                assert operation["requestBody"]["content"]["application/json"]["schema"]
                assert {"400", "413", "422"} <= set(operation["responses"])
    assert len(ids) == len(set(ids))


def test_bulk_text_says_how_errors_are_numbered(document):
    text = document["paths"]["/api/v1/customers/bulk"]["post"]["description"]
    assert "index" in text and "from 1" in text and "5000" in text


def test_docs_page_shows_paths_and_schemas(client_as, document):
    page = client_as("planner").get("/api/docs").get_data(as_text=True)
    for path in document["paths"]:
        assert f"<code class=\"fs-6 text-break\">{path}</code>" in page
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    assert 'href="#schema-CustomerRecord"' in page
    assert "updated_since" in page and "Authorization: Bearer" in page


def test_docs_page_needs_signing_in(client):
    assert client.get("/api/docs").status_code == 302


def test_errors_under_api_are_json(client):
    missing = client.get("/api/no-such-thing")
    assert missing.status_code == 404 and missing.is_json and missing.json["status"] == 404
    wrong = client.post("/api/openapi.json")
    assert wrong.status_code == 405 and wrong.is_json and wrong.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_api_error_handler_leaves_other_pages_alone(app, client):
    """The JSON handlers for 401/413/422 answer only under /api/."""
    from flask import abort

    from app.auth.access import public

    @app.route("/api/test-unprocessable")
    @public
    def api_unprocessable():
        abort(422)

    @app.route("/page-unprocessable")
    @public
    def page_unprocessable():
        abort(422)

    api = client.get("/api/test-unprocessable")
    assert api.status_code == 422 and api.json == {"error": "The data was refused.", "status": 422}
    page = client.get("/page-unprocessable")
    assert page.status_code == 422 and not page.is_json


def test_each_operation_states_its_roles_from_the_access_table(document, app):
    from app.auth.access import API_DOORS, api_roles

    seen = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in API_DOORS:
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                operation = document["paths"][path][method.lower()]
                roles = sorted(api_roles(app, rule.endpoint))
                assert operation["x-roles"] == roles and "403" in operation["responses"]
                assert operation["x-integration"] == API_DOORS[rule.endpoint].integration
                assert ", ".join(roles) in operation["description"]
                seen.add(operation["operationId"])
    assert len(seen) == len(documented_operations(document))
    approve = document["paths"]["/api/v1/plans/{plan_id}/budget/approve"]["post"]
    assert approve["x-roles"] == ["admin", "manager"] and approve["x-integration"] is False


def test_request_bodies_refuse_unknown_fields(document):
    for name, schema in document["components"]["schemas"].items():
        if name.endswith(("Request", "Record", "RecordList")):
            assert schema["additionalProperties"] is False, name


def test_ids_and_pages_declare_their_range(document):
    from app.core.api import ID_MAX, PAGE_MAX

    for path, item in document["paths"].items():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "plan_id":
                    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": ID_MAX}, path
                if parameter["name"] in ("page", "per_page"):
                    assert parameter["schema"]["minimum"] == 1 and parameter["schema"]["maximum"] <= PAGE_MAX
