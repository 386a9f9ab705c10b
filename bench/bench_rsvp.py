"""The guests' RSVP page (GET /rsvp/<token>) under 16 concurrent clients.

Target: p95 under 50 ms. A real server in a child process (gunicorn with the repository's
gunicorn.conf.py, as production runs it, with the rate limits counted in a Redis of its own)
serves a freshly migrated SQLite database holding one plan and 1,000 invitations (a third
accepted with companions, a third declined, a third not answered yet). 16 client threads
(http.client) request the pages of distinct guests in turn, with no pause between requests;
the latency of each request is measured from sending it to having read the whole answer,
after a warm-up.
"""
import http.client
import os
import runpy
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from datetime import time as time_of_day
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert

from app.core import clock
from app.events.models import EventType
from app.events.plans import create_plan
from app.extensions import db
from app.invitations import services
from app.invitations.models import Invitation, Rsvp
from bench import data
from tests.backends import free_port

TARGET = 0.050
GUESTS = 1_000
CLIENTS = 16
REQUESTS = 4_000  # measured, after WARM_UP
WARM_UP = 320
PATH = data.DATA_DIR / "rsvp.sqlite"
ROOT = data.DATA_DIR.parent.parent
GUNICORN = runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def _prepare():
    """Fresh schema, one banquet plan and its guests: the guests' RSVP tokens."""
    app = data.fresh_app(PATH)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        event_type = EventType(code="banquet", name_zh="答谢宴", name_en="Banquet", active=True, position=1)
        db.session.add(event_type)
        plan = create_plan(event_type, "2026 年度 VIP 客户答谢晚宴", clock.today() + timedelta(days=30), time_of_day(18, 30),
                           ["high_value"], 1200, 1500, "外滩华尔道夫酒店宴会厅", False,
                           "企业年度成果汇报、客户案例分享、答谢晚宴与抽奖。", None)
        services.settings_for(plan).companions_cap = 2
        rows = []
        for n in range(GUESTS):
            answer = (Rsvp.ACCEPTED, Rsvp.DECLINED, Rsvp.PENDING)[n % 3]
            rows.append({"plan_id": plan.id, "name": f"嘉宾{n}", "email": f"guest{n}@example.com",
                         "locale": ("zh", "en")[n % 2], "rsvp": answer, "companions": n % 3 if answer == Rsvp.ACCEPTED else 0,
                         "decline_reason": "schedule" if answer == Rsvp.DECLINED else None, **services.new_tokens()})
        db.session.execute(insert(Invitation), rows)
        db.session.commit()
        tokens = [row["rsvp_token"] for row in rows]
        db.session.remove()
        db.engine.dispose()
    return tokens


def _start(argv, port, environment=None):
    """A child process listening on `port` once it has started."""
    process = subprocess.Popen(argv, env=environment, cwd=str(ROOT),
                               stdout=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{argv[0]} did not start")


def _serve(port, redis_port):
    """gunicorn as production runs it (gunicorn.conf.py, read from the working directory): rate
    limits counted in Redis, shared by the workers."""
    environment = {**data.environment(PATH), "RAPPORT_ENV": "production", "SESSION_COOKIE_SECURE": "0",
                   "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0",
                   "RSVP_RATE_LIMIT": "1000000 per minute"}  # one client address: the limit's cost, not its refusals
    return _start([os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-b", f"127.0.0.1:{port}",
                   "--log-level", "warning", "wsgi:app"], port, environment)


def _load(port, paths, clients):
    """Latencies (s) of requesting every path once, `clients` at a time; and the wall time."""
    latencies, failures = [], []
    lock = threading.Lock()

    def client(mine):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for path in mine:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                if response.status != 200 or b'data-testid="event-title"' not in body:
                    failures.append((path, response.status))
        connection.close()

    threads = [threading.Thread(target=client, args=(paths[n::clients],)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[:3]}")
    return latencies, time.perf_counter() - started


def _cpu_seconds(pid):
    """CPU time (user + system) of process `pid` and its children's live processes (the workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    ticks = 0
    for one in [pid, *children]:
        fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _machine_speed():
    """ms of CPU for a fixed piece of pure Python (best of 3): how fast the shared machine runs
    at the moment, to compare runs made at different times."""
    best = None
    for _ in range(3):
        started = time.process_time()
        sum(n * n for n in range(1_000_000))
        took = time.process_time() - started
        best = took if best is None else min(best, took)
    return best * 1000


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(rebuild=False):
    tokens = _prepare()
    speed = _machine_speed()
    paths = [f"/rsvp/{tokens[n % GUESTS]}" for n in range(WARM_UP + REQUESTS)]
    port, redis_port = free_port(), free_port()
    redis = _start(["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port), "--save", "",
                    "--appendonly", "no"], redis_port)
    server = None
    try:
        server = _serve(port, redis_port)
        _load(port, paths[:WARM_UP], CLIENTS)  # first visits: every warm-up page also records 'opened'
        server_cpu, client_cpu, load = _cpu_seconds(server.pid), time.process_time(), os.getloadavg()[0]
        latencies, wall = _load(port, paths[WARM_UP:], CLIENTS)
        server_cpu, client_cpu = _cpu_seconds(server.pid) - server_cpu, time.process_time() - client_cpu
    finally:
        for process in (server, redis):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
    p50, p95, p99 = (_percentile(latencies, share) for share in (0.50, 0.95, 0.99))
    print(f"RSVP page: {REQUESTS} requests on {GUESTS} guests' links, {CLIENTS} concurrent clients, "
          f"gunicorn {GUNICORN['workers']} workers x {GUNICORN['threads']} threads (gunicorn.conf.py)")
    print(f"  p50 {p50 * 1000:.1f} ms  p95 {p95 * 1000:.1f} ms  p99 {p99 * 1000:.1f} ms  "
          f"mean {statistics.mean(latencies) * 1000:.1f} ms  {REQUESTS / wall:.0f} requests/s")
    print(f"  CPU per request: server {server_cpu / REQUESTS * 1000:.1f} ms, clients {client_cpu / REQUESTS * 1000:.1f} ms;"
          f" {os.cpu_count()} CPUs, load average {load:.1f} when the run began, reference loop {speed:.0f} ms")
    print(f"  target p95 < {TARGET * 1000:.0f} ms: {'met' if p95 < TARGET else 'NOT met'}")
    return {"p50": p50, "p95": p95, "p99": p99, "throughput": REQUESTS / wall, "server_cpu": server_cpu / REQUESTS,
            "reference_loop_ms": speed}
