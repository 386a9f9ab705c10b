"""API tokens: creation (secret shown once, only a hash stored), authentication
of API calls, revocation, and the administrators' pages."""
import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth import api_tokens
from app.auth.models import ApiToken
from app.core.errors import DomainError
from app.extensions import db

API_PATH = "/api/v1/customers"
URLSAFE = re.compile(r"[A-Za-z0-9_-]+")


@pytest.fixture
def admin(make_user):
    return make_user(roles=("admin",), name="管理员")


@pytest.fixture
def new_token(admin):
    def make(name="ERP"):
        token, secret = api_tokens.create_token(name, admin)
        db.session.commit()
        return token, secret

    return make


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


# ---------------------------------------------------------------- services


def test_create_token_stores_only_a_hash_and_a_short_prefix(new_token):
    token, secret = new_token("ERP 金蝶")
    assert secret.startswith("rk_")
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:10] and len(token.prefix) <= 12
    row = db.session.execute(select(ApiToken.__table__).where(ApiToken.id == token.id)).one()
    assert not any(isinstance(value, str) and secret[10:] in value for value in row)
    assert token.name == "ERP 金蝶" and token.active and token.last_used_at is None


def test_secret_has_at_least_128_random_bits_and_tokens_are_unique(new_token):
    tokens = [new_token(f"system {n}") for n in range(30)]
    secrets = {secret for _token, secret in tokens}
    assert len(secrets) == 30 and len({token.token_hash for token, _secret in tokens}) == 30
    for secret in secrets:
        body = secret.removeprefix("rk_")
        assert URLSAFE.fullmatch(body) and len(body) * 6 >= 128  # base64url: 6 bits a character
    # No shared structure beyond the prefix: the random part differs from the first character on.
    assert len({secret[3:7] for secret in secrets}) > 25


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_token_needs_a_sensible_name(admin, name):
    with pytest.raises(DomainError) as refused:
        api_tokens.create_token(name, admin)
    assert refused.value.field == "name"


def test_authenticate_good_wrong_and_revoked(new_token, admin):
    token, secret = new_token()
    assert api_tokens.authenticate_token(secret) == token
    assert api_tokens.authenticate_token(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert api_tokens.authenticate_token("") is None and api_tokens.authenticate_token(None) is None
    assert api_tokens.authenticate_token(token.token_hash) is None  # the stored hash is not a credential
    api_tokens.revoke_token(token, admin)
    db.session.commit()
    assert api_tokens.authenticate_token(secret) is None
    with pytest.raises(DomainError):
        api_tokens.revoke_token(token, admin)


def test_last_used_is_written_at_most_once_a_minute(new_token):
    token, secret = new_token()
    api_tokens.authenticate_token(secret)
    first = token.last_used_at
    assert first is not None
    api_tokens.authenticate_token(secret)
    assert token.last_used_at == first
    token.last_used_at = first - timedelta(minutes=2)
    api_tokens.authenticate_token(secret)
    assert token.last_used_at > first - timedelta(minutes=2)


def test_list_tokens_shows_active_first_with_their_creator(new_token, admin):
    old, _ = new_token("old")
    new_token("current")
    api_tokens.revoke_token(old, admin)
    db.session.commit()
    assert [(token.name, creator.name) for token, creator in api_tokens.list_tokens()] == [
        ("current", "管理员"), ("old", "管理员"),
    ]


# ---------------------------------------------------------------- API authentication


def test_good_token_is_accepted_and_use_recorded(client, new_token):
    token, secret = new_token()
    response = client.get(API_PATH, headers=bearer(secret))
    assert response.status_code == 200
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_a_token_used_again_within_a_minute_is_read_once_and_not_written(client, new_token, count_queries):
    _token, secret = new_token()
    client.get(API_PATH, headers=bearer(secret))
    with count_queries() as queries:
        assert client.get(API_PATH, headers=bearer(secret)).status_code == 200
    assert not [query for query in queries if query.lstrip().upper().startswith("UPDATE")]
    assert len([query for query in queries if "FROM api_tokens" in query]) == 1


def test_scheme_is_case_insensitive(client, new_token):
    _token, secret = new_token()
    assert client.get(API_PATH, headers={"Authorization": f"bearer {secret}"}).status_code == 200


@pytest.mark.parametrize(
    "headers, query",
    [
        ({}, ""),  # no header
        ({"Authorization": "Bearer"}, ""),  # scheme without token
        ({"Authorization": "Bearer rk_wrong"}, ""),
        ("basic", ""),  # Basic with the secret as user name
        ({"Authorization": "{secret}"}, ""),  # no scheme
        ({}, "?access_token={secret}"),  # only the header counts
    ],
    ids=["missing", "empty", "wrong", "basic", "no-scheme", "query"],
)
def test_refused_without_a_bearer_token(client, new_token, headers, query):
    _token, secret = new_token()
    if headers == "basic":
        import base64

        headers = {"Authorization": "Basic " + base64.b64encode(f"{secret}:".encode()).decode()}
    headers = {name: value.format(secret=secret) for name, value in headers.items()}
    response = client.get(API_PATH + query.format(secret=secret), headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert response.is_json and response.json["status"] == 401 and response.json["error"]


def test_wrong_token_says_invalid_token(client):
    response = client.get(API_PATH, headers=bearer("rk_" + "x" * 43))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert "not valid" in response.json["error"]


def test_revoked_token_is_refused(client, new_token, admin):
    token, secret = new_token()
    assert client.get(API_PATH, headers=bearer(secret)).status_code == 200
    api_tokens.revoke_token(token, admin)
    db.session.commit()
    response = client.get(API_PATH, headers=bearer(secret))
    assert response.status_code == 401 and "revoked" in response.json["error"]


def test_signed_in_session_is_not_enough_and_never_redirected(client_as):
    response = client_as("admin").get(API_PATH)
    assert response.status_code == 401 and response.is_json
    assert client_as(None).post("/api/v1/customers/bulk", json={"customers": []}).status_code == 401


# ---------------------------------------------------------------- admin pages


def test_users_page_links_to_the_tokens(client_as):
    page = client_as("admin").get("/admin/users").get_data(as_text=True)
    assert 'href="/admin/api-tokens"' in page


def test_admin_creates_a_token_and_sees_the_secret_once(client_as):
    admin = client_as("admin")
    response = admin.post("/admin/api-tokens/new", data={"name": "CRM 同步"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    secret = re.search(r'id="token-secret"[^>]*value="(rk_[A-Za-z0-9_-]+)"', page).group(1)
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "CRM 同步"))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.created_by_id == admin.user.id
    listing = admin.get("/admin/api-tokens").get_data(as_text=True)
    assert "CRM 同步" in listing and token.prefix in listing
    assert secret not in listing and token.token_hash not in listing
    assert secret not in admin.get("/admin/api-tokens/new").get_data(as_text=True)
    assert admin.application.test_client().get(API_PATH, headers=bearer(secret)).status_code == 200


def test_create_form_explains_a_missing_name(client_as):
    page = client_as("admin").post("/admin/api-tokens/new", data={"name": ""}).get_data(as_text=True)
    assert "is-invalid" in page and "token-secret" not in page
    assert db.session.scalar(select(ApiToken)) is None


def test_admin_revokes_after_confirmation(client_as, new_token):
    token, secret = new_token("Old ERP")
    admin = client_as("admin")
    confirm = admin.get(f"/admin/api-tokens/{token.id}/revoke").get_data(as_text=True)
    assert "Old ERP" in confirm and 'method="post"' in confirm
    db.session.refresh(token)
    assert token.active  # showing the confirmation changes nothing
    response = admin.post(f"/admin/api-tokens/{token.id}/revoke", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "is revoked" in page and "Revoked" in page
    db.session.refresh(token)
    assert token.revoked_at is not None and token.revoked_by_id == admin.user.id
    assert admin.get(API_PATH, headers=bearer(secret)).status_code == 401
    again = admin.post(f"/admin/api-tokens/{token.id}/revoke", follow_redirects=True).get_data(as_text=True)
    assert "already revoked" in again


def test_revoking_an_unknown_token_is_404(client_as):
    assert client_as("admin").post("/admin/api-tokens/999999/revoke").status_code == 404


def test_token_list_has_a_fixed_number_of_queries(client_as, new_token, count_queries):
    admin = client_as("admin")
    new_token("one")
    admin.get("/admin/api-tokens")
    with count_queries() as few:
        admin.get("/admin/api-tokens")
    for n in range(5):
        new_token(f"more {n}")
    with count_queries() as many:
        page = admin.get("/admin/api-tokens").get_data(as_text=True)
    assert "more 4" in page and len(many) == len(few)


def test_a_token_may_act_for_an_active_person(client_as, make_user):
    admin = client_as("admin")
    manager = make_user(roles=("manager",), name="审批人")
    retired = make_user(roles=("manager",), active=False)
    page = admin.get("/admin/api-tokens/new").get_data(as_text=True)
    assert "审批人" in page and retired.email not in page
    refused = admin.post("/admin/api-tokens/new", data={"name": "OA", "acts_for": str(retired.id)})
    assert refused.status_code == 200 and db.session.query(ApiToken).filter_by(name="OA").count() == 0
    assert 'value="OA"' in refused.get_data(as_text=True)  # what was typed stays
    assert admin.post("/admin/api-tokens/new", data={"name": "OA", "acts_for": str(manager.id)}).status_code == 200
    token = db.session.query(ApiToken).filter_by(name="OA").one()
    assert token.user_id == manager.id
    assert "审批人" in admin.get("/admin/api-tokens").get_data(as_text=True)
