"""The customer list (GET /customers/) with 100,000 customers and a tier filter.

Target: under 100 ms server time. Each URL is requested through the Flask test
client (routing, access check, SQL, template; no network) signed in as a planner,
on the tiering benchmark's database with one tier run; after a warm-up request,
the median of the runs. Other filters are measured beside the target one.
"""
from urllib.parse import quote

from app.auth import services as auth_services
from app.customers import tiering
from app.extensions import db
from bench import CUSTOMERS, ORDERS, count_statements, data, median_seconds, ms

TARGET = 0.100
PLANNER = "bench-planner@rapport.test"
TARGET_URL = "/customers/?tier=high_value"
URLS = (
    TARGET_URL,
    "/customers/?tier=churn_risk",
    "/customers/?tier=new&tier=growth",
    "/customers/?tier=high_value&sort=monetary&order=desc",
    "/customers/?tier=churn_risk&industry=" + quote("制造业"),
    "/customers/?tier=growth&tag=" + quote("服务响应慢"),
    "/customers/?tier=general&page=200",
    "/customers/",
    "/customers/?lifecycle=mature",
    "/customers/?silent_days=90",
    "/customers/?q=" + quote("华东"),
)


def _prepare(app):
    """A planner to sign in as, and a tier run to filter by."""
    with app.app_context():
        planner = auth_services.get_by_email(PLANNER) or auth_services.create_user(
            PLANNER, "Bench Planner", "bench-planner-1", ("planner",))
        if tiering.latest_run() is None:
            tiering.recompute(as_of=data.AS_OF)
        db.session.commit()
        return planner.session_token


def run(repeats=15, rebuild=False):
    app = data.make_app(data.ensure(CUSTOMERS, ORDERS, rebuild))
    token = _prepare(app)
    client = data.signed_in_client(app, token)

    results = {}
    print(f"customer list: {CUSTOMERS:,} customers, server time per request (median of {repeats})")
    for url in URLS:
        response = client.get(url)  # warm-up, and a check that the page works
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        median, samples = median_seconds(lambda url=url: client.get(url), repeats)
        results[url] = median
        print(f"  {ms(median):>10}  (min {ms(min(samples))})  {count_statements(app, client, url)} statements  {url}")
    met = results[TARGET_URL] < TARGET
    print(f"  target {TARGET_URL} < {ms(TARGET)}: {'met' if met else 'NOT met'}")
    return results
