from app.auth.models import Role
from app.extensions import db
from tests.conftest import DEFAULT_PASSWORD


def login(client, email, password=DEFAULT_PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_login_and_logout(client, make_user):
    make_user(email="planner@example.com")
    response = login(client, "planner@example.com")
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_login_keeps_email_and_explains_wrong_password(client, make_user):
    make_user(email="planner@example.com")
    response = login(client, "planner@example.com", "wrong-password")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="planner@example.com"' in page
    assert "Wrong e-mail or password" in page


def test_login_follows_only_local_next(client, make_user):
    make_user(email="p@example.com")
    assert login(client.application.test_client(), "p@example.com", next=None).location == "/"
    fresh = client.application.test_client()
    assert fresh.post("/login?next=/account", data={"email": "p@example.com", "password": DEFAULT_PASSWORD}).location == "/account"
    other = client.application.test_client()
    response = other.post("/login?next=//evil.example/x", data={"email": "p@example.com", "password": DEFAULT_PASSWORD})
    assert response.location == "/"


def test_protected_page_redirects_to_login_with_next(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=/admin/users")


def test_admin_creates_user_and_welcome_mail_is_sent(client_as, outbox):
    admin = client_as("admin")
    response = admin.post(
        "/admin/users/new",
        data={"email": "New@Example.com", "name": "赵专员", "password": "long-enough", "roles": ["staff", "planner"], "locale": "zh", "active": "y"},
    )
    assert response.status_code == 302
    from app.auth.services import get_by_email

    user = get_by_email("new@example.com")
    assert user.roles == {Role.STAFF, Role.PLANNER}
    [message] = outbox()
    assert message["To"].addresses[0].addr_spec == "new@example.com"
    assert "http://rapport.test/login" in message.get_body(("plain",)).get_content()


def test_create_user_form_errors_keep_input(client_as, make_user):
    make_user(email="taken@example.com")
    admin = client_as("admin")
    page = admin.post(
        "/admin/users/new",
        data={"email": "taken@example.com", "name": "Someone", "password": "long-enough", "roles": ["staff"]},
    ).get_data(as_text=True)
    assert "already exists" in page and 'value="Someone"' in page
    page = admin.post("/admin/users/new", data={"email": "x@example.com", "name": "X", "password": "long-enough"}).get_data(as_text=True)
    assert "Choose at least one role" in page


def test_admin_edits_roles_and_cannot_demote_self(client_as, make_user):
    admin = client_as("admin")
    user = make_user(roles=("planner",))
    response = admin.post(f"/admin/users/{user.id}", data={"name": "Renamed", "roles": ["manager"], "locale": "", "active": "y"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.name == "Renamed" and user.roles == {Role.MANAGER}
    page = admin.post(f"/admin/users/{admin.user.id}", data={"name": "Me", "roles": ["planner"], "active": "y"}).get_data(as_text=True)
    assert "cannot remove your own administrator role" in page


def test_deactivated_user_is_signed_out(client_as, make_user):
    planner = client_as("planner")
    assert planner.get("/").status_code == 200
    admin = client_as("admin")
    admin.post(f"/admin/users/{planner.user.id}", data={"name": "P", "roles": ["planner"]})  # active unchecked
    assert planner.get("/").status_code == 302


def test_change_own_password(client_as):
    client = client_as("manager")
    bad = client.post("/account", data={"pw-current_password": "nope", "pw-new_password": "new-password-1", "pw-confirm": "new-password-1", "pw-submit": "1"})
    assert "not correct" in bad.get_data(as_text=True)
    good = client.post("/account", data={"pw-current_password": DEFAULT_PASSWORD, "pw-new_password": "new-password-1", "pw-confirm": "new-password-1", "pw-submit": "1"})
    assert good.status_code == 302
    assert client.get("/").status_code == 200  # this session stays signed in


def test_navigation_follows_roles(client_as):
    assert "/admin/users" in client_as("admin").get("/").get_data(as_text=True)
    for role in ("planner", "manager", "staff"):
        page = client_as(role).get("/").get_data(as_text=True)
        assert "/admin/users" not in page
        assert f'data-testid="role-card-{role}"' in page


def test_user_list_runs_a_fixed_number_of_queries(client_as, make_user, count_queries):
    admin = client_as("admin")
    make_user(roles=("planner", "manager"))
    with count_queries() as few:
        assert admin.get("/admin/users").status_code == 200
    for _ in range(15):
        make_user(roles=("staff", "planner"))
    with count_queries() as many:
        page = admin.get("/admin/users").get_data(as_text=True)
    assert page.count("/admin/users/") >= 17
    assert len(many) == len(few)


def test_intranet_address_can_be_created_and_sign_in(client_as, client):
    admin = client_as("admin")
    response = admin.post("/admin/users/new", data={"email": "ops@corp.local", "name": "Ops", "password": "long-enough", "roles": ["staff"]})
    assert response.status_code == 302
    assert login(client, "ops@corp.local", "long-enough").location == "/"
    page = admin.post("/admin/users/new", data={"email": "not an address", "name": "X", "password": "long-enough", "roles": ["staff"]}).get_data(as_text=True)
    assert "not a valid e-mail address" in page and 'value="not an address"' in page


def test_sign_in_remembers_the_users_language_for_the_login_page(client, make_user):
    make_user(email="zh@example.com", locale="zh")
    response = login(client, "zh@example.com")
    assert "lang=zh" in response.headers["Set-Cookie"]
    client.post("/logout")
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
