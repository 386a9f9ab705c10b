"""The door's check-in endpoint (POST /api/v1/plans/<id>/checkins) against a bare Flask JSON
hello-world, both under gunicorn as gunicorn.conf.py runs them, in the same run.

Targets (issue 14): check-in throughput at least 25% of the bare endpoint's (goal 50%), p99 under
50 ms at 16 concurrent clients, no errors; 32 clients scanning the same 500 codes at once give
exactly 500 `ok`, every other answer `already_checked_in`, no error. On SQLite, then on
PostgreSQL (a server started for the run, as the test suite's --backend=services starts it).

Each server is a child process (gunicorn, 2 workers x 2 threads, no keep-alive); rate limits
are counted in a Redis of its own, the token's budget set out of the way (the limit's cost is
measured, not its refusals). 16 client threads (http.client) send bounded traffic on loopback,
each request a new guest's code with a new nonce, so every measured check-in is a real one (an
insert of the check-in and of the attempt). The two servers take turns, round by round
(interleaved), and the CPU time of each server's processes is read beside the wall time.
"""
import http.client
import json
import os
import runpy
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, time as time_of_day
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert

from app import create_app
from app.auth import api_tokens
from app.auth import services as auth_services
from app.core import clock
from app.events.models import EventType
from app.events.plan_models import PlanState
from app.events.plans import create_plan
from app.extensions import db
from app.invitations import services
from app.invitations.models import Invitation, Rsvp
from bench import data
from bench.bench_rsvp import _cpu_seconds, _machine_speed, _percentile, _start
from tests.backends import ServicesBackend, free_port

ROOT = data.DATA_DIR.parent.parent
GUNICORN = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
CLIENTS = 16
ROUNDS = 6
PER_ROUND = 600  # requests per server and round
WARM_UP = 200
RACE_CODES, RACE_CLIENTS = 500, 32
GUESTS = WARM_UP + ROUNDS * PER_ROUND + RACE_CODES
TARGET_RATIO, GOAL_RATIO, TARGET_P99 = 0.25, 0.50, 0.050


def _prepare(url, instance):
    """A migrated database with tonight's banquet, its accepted guests, and door staff's API
    token: (plan id, codes, token secret)."""
    app = create_app({"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": url, "RAPPORT_ENV": "development",
                      "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        event_type = EventType(code="banquet", name_zh="答谢宴", name_en="Banquet", active=True, position=1)
        db.session.add(event_type)
        plan = create_plan(event_type, "2026 年度 VIP 客户答谢晚宴", clock.today(), time_of_day(18, 30), ["high_value"],
                           GUESTS, GUESTS, "外滩华尔道夫酒店宴会厅", False, "", None)
        plan.state = PlanState.APPROVED
        rows = [{"plan_id": plan.id, "name": f"嘉宾{n}", "company": f"客户{n}科技有限公司", "email": f"g{n}@example.com",
                 "tier": ("high_value", "growth", "general")[n % 3], "rsvp": Rsvp.ACCEPTED, "companions": n % 2,
                 **services.new_tokens()} for n in range(GUESTS)]
        db.session.execute(insert(Invitation), rows)
        user = auth_services.create_user("door@example.com", "门口小王", "correct-horse-1", ("planner",), "zh")
        _token, secret = api_tokens.create_token("Door scanner", None, user)
        db.session.commit()
        result = plan.id, [f"RAPPORT:{row['checkin_token']}" for row in rows], secret
        db.session.remove()
        db.engine.dispose()
    return result


def _serve(target, port, environment):
    return _start([os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-b", f"127.0.0.1:{port}",
                   "--log-level", "warning", target], port, environment)


def _load(port, requests, clients):
    """Sends every (path, body, headers, accept) once, `clients` at a time: latencies (s), answers'
    statuses, errors, wall time."""
    latencies, statuses, errors = [], [], []
    lock = threading.Lock()

    def client(mine):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for path, body, headers, accept in mine:
            started = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                status = json.loads(payload).get("status") if response.status == 200 else None
            except (OSError, http.client.HTTPException, ValueError) as error:
                connection.close()
                with lock:
                    errors.append(repr(error))
                continue
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                statuses.append(status)
                if response.status != 200 or status not in accept:
                    errors.append((response.status, payload[:200]))
        connection.close()

    threads = [threading.Thread(target=client, args=(requests[n::clients],)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, errors, time.perf_counter() - started


def _scan(plan_id, code, secret, accept=("ok",)):
    body = json.dumps({"code": code, "nonce": uuid.uuid4().hex, "source": "scanner", "entrance": "正门",
                       "scanned_at": datetime.now(UTC).isoformat(timespec="seconds")})
    return (f"/api/v1/plans/{plan_id}/checkins", body,
            {"Content-Type": "application/json", "Authorization": f"Bearer {secret}"}, accept)


HELLO = ("/hello", "{}", {"Content-Type": "application/json"}, ("ok",))


def _measure(name, url, redis_url, instance):
    plan_id, codes, secret = _prepare(url, instance)
    environment = {**os.environ, "RAPPORT_INSTANCE_PATH": instance, "DATABASE_URL": url, "RAPPORT_ENV": "production",
                   "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": "0", "RATELIMIT_STORAGE_URI": redis_url,
                   "API_RATE_LIMIT": "100000000 per minute"}
    app_port, hello_port = free_port(), free_port()
    servers = []
    try:
        servers.append(_serve("wsgi:app", app_port, environment))
        servers.append(_serve("bench.checkin_hello:app", hello_port, environment))
        warm = [_scan(plan_id, code, secret) for code in codes[:WARM_UP]]
        _load(app_port, warm, CLIENTS)
        _load(hello_port, [HELLO] * WARM_UP, CLIENTS)
        sides = {"checkin": {"lat": [], "wall": 0.0, "cpu": 0.0, "errors": [], "statuses": []},
                 "hello": {"lat": [], "wall": 0.0, "cpu": 0.0, "errors": [], "statuses": []}}
        for number in range(ROUNDS):
            start = WARM_UP + number * PER_ROUND
            batch = [_scan(plan_id, code, secret) for code in codes[start:start + PER_ROUND]]
            for side, port, server, requests in (("checkin", app_port, servers[0], batch),
                                                 ("hello", hello_port, servers[1], [HELLO] * PER_ROUND)):
                cpu = _cpu_seconds(server.pid)
                latencies, statuses, errors, wall = _load(port, requests, CLIENTS)
                record = sides[side]
                record["cpu"] += _cpu_seconds(server.pid) - cpu
                record["lat"] += latencies
                record["wall"] += wall
                record["errors"] += errors
                record["statuses"] += statuses
        race_codes = codes[-RACE_CODES:]
        # Every client scans every code, each scan with its own nonce, the clients in step.
        race = [_scan(plan_id, code, secret, ("ok", "already_checked_in")) for code in race_codes
                for _client in range(RACE_CLIENTS)]
        _latencies, race_statuses, race_errors, race_wall = _load(app_port, race, RACE_CLIENTS)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    total = ROUNDS * PER_ROUND
    rate = {side: total / record["wall"] for side, record in sides.items()}
    print(f"Check-in on {name}: {total} check-ins against {total} bare requests, {CLIENTS} clients, "
          f"{ROUNDS} interleaved rounds, gunicorn {GUNICORN['workers']} workers x {GUNICORN['threads']} threads")
    for side, record in sides.items():
        p50, p99 = _percentile(record["lat"], 0.50), _percentile(record["lat"], 0.99)
        print(f"  {side:8} {rate[side]:6.0f} requests/s  p50 {p50 * 1000:5.1f} ms  p99 {p99 * 1000:5.1f} ms  "
              f"mean {statistics.mean(record['lat']) * 1000:5.1f} ms  server CPU {record['cpu'] / total * 1000:.2f} ms"
              f"/request  errors {len(record['errors'])}")
    ratio = rate["checkin"] / rate["hello"]
    cpu_ratio = sides["hello"]["cpu"] / sides["checkin"]["cpu"]
    p99 = _percentile(sides["checkin"]["lat"], 0.99)
    print(f"  throughput ratio {ratio:.0%} (wall), {cpu_ratio:.0%} (server CPU); target >= {TARGET_RATIO:.0%}, "
          f"goal {GOAL_RATIO:.0%}: {'met' if ratio >= TARGET_RATIO else 'NOT met'}; p99 < {TARGET_P99 * 1000:.0f} ms: "
          f"{'met' if p99 < TARGET_P99 else 'NOT met'}; errors: {len(sides['checkin']['errors'])}")
    oks, already = race_statuses.count("ok"), race_statuses.count("already_checked_in")
    print(f"  race: {RACE_CLIENTS} clients x the same {RACE_CODES} codes ({len(race)} scans, {race_wall:.1f} s): "
          f"{oks} ok, {already} already_checked_in, {len(race_errors)} errors: "
          f"{'met' if oks == RACE_CODES and already == len(race) - RACE_CODES and not race_errors else 'NOT met'}")
    if sides["checkin"]["errors"] or race_errors:
        print("  first errors:", (sides["checkin"]["errors"] + race_errors)[:3])
    return {"ratio": ratio, "cpu_ratio": cpu_ratio, "p99": p99, "ok": oks, "already": already,
            "errors": len(sides["checkin"]["errors"]) + len(race_errors)}


def run(rebuild=False):
    speed = _machine_speed()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, reference loop {speed:.0f} ms")
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-checkin-") as root:
        Path(root).chmod(0o755)  # PostgreSQL's own user must reach its folder inside
        backend = ServicesBackend(Path(root) / "services").start()
        try:
            redis_url = f"redis://127.0.0.1:{backend.redis_port}/0"
            instance = str(Path(root) / "instance")
            results["sqlite"] = _measure("SQLite", f"sqlite:///{Path(root) / 'checkin.sqlite'}", redis_url, instance)
            if os.environ.get("BENCH_CHECKIN_SQLITE_ONLY") != "1":
                results["postgresql"] = _measure("PostgreSQL", backend.database_url("bench_checkin"), redis_url,
                                                 instance)
        finally:
            backend.stop()
    return results
