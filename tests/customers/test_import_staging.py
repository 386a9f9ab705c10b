"""The write phase of an import job holds the database's write lock only briefly, stays
all or nothing when its worker dies, and publishes exactly once."""
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.auth import services as auth_services
from app.auth.models import User
from app.customers.imports import jobs as import_jobs
from app.customers.imports import staging
from app.customers.imports.importer import import_file
from app.customers.models import Customer, CustomerTag, ImportJob, ImportStagedRow, ImportStagedTag, Order
from app.customers.tasks import expire_stale_imports, run_import
from app.extensions import db
from tests.core.test_worker import celery_worker_app  # noqa: F401  (fixture: a real worker process)


class WorkerDied(BaseException):
    """Stands for a killed worker: no `except Exception` and no `finally` of the task
    does anything (discard_upload is switched off as well)."""


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def queued_job(path, kind="customers"):
    with path.open("rb") as stream:
        job = import_jobs.store_upload(kind, stream, path.name)
    db.session.commit()
    assert import_jobs.read_upload(job.id) == "uploaded"
    job = db.session.get(ImportJob, job.id)
    import_jobs.confirm_mapping(job, job.mapping)
    db.session.commit()
    return job.id


def snapshot():
    """Customers, their tags and orders as comparable values, in the order of their ids
    (PostgreSQL's sequences leave gaps: the ids themselves are not compared)."""
    customers = db.session.execute(select(
        Customer.external_id, Customer.name, Customer.city, Customer.phone, Customer.consent,
        Customer.registered_on).order_by(Customer.id)).all()
    tags = db.session.execute(select(Customer.external_id, CustomerTag.tag).join(CustomerTag)
                              .order_by(Customer.external_id, CustomerTag.tag)).all()
    orders = db.session.execute(select(Order.external_id, Customer.external_id, Order.ordered_on, Order.amount)
                                .join(Customer).order_by(Order.id)).all()
    return customers, tags, orders


def test_a_worker_dying_between_chunks_publishes_nothing_and_the_retry_publishes_once(app, write_csv, monkeypatch):
    rows = [[f"C{n:03d}", f"客户{n}", "上海", "a，b"] for n in range(95)]
    job_id = queued_job(write_csv(["客户编号", "客户名称", "城市", "标签"], rows))
    monkeypatch.setattr(staging, "STAGE_CHUNK", 20)
    chunks = []
    stage_chunk = staging.stage_chunk

    def dying(*args):
        if len(chunks) == 2:
            raise WorkerDied
        chunks.append(stage_chunk(*args))

    with monkeypatch.context() as killed:
        killed.setattr(staging, "stage_chunk", dying)
        killed.setattr(import_jobs, "discard_upload", lambda job: None)
        try:
            run_import(job_id)
        except WorkerDied:
            pass
        else:
            raise AssertionError("the worker was to die")
    db.session.rollback()
    job = db.session.get(ImportJob, job_id)
    assert (job.status, job.attempt) == ("writing", 1)
    assert count(Customer) == 0 and count(CustomerTag) == 0, "nothing is published before the last chunk"
    assert count(ImportStagedRow) == 40 and count(ImportStagedTag) == 80

    assert run_import(job_id) == "done", "the task delivered again takes the job over"
    db.session.expire_all()
    job = db.session.get(ImportJob, job_id)
    assert (job.attempt, job.created_count, job.updated_count, job.processed_rows) == (2, 95, 0, 95)
    assert count(Customer) == 95 and count(CustomerTag) == 190
    assert count(ImportStagedRow) == 0 and count(ImportStagedTag) == 0
    assert run_import(job_id) is None and count(Customer) == 95, "a finished job never runs again"


def test_a_run_taken_over_by_a_later_one_publishes_nothing(app, write_csv, monkeypatch):
    job_id = queued_job(write_csv(["客户编号", "客户名称"], [[f"C{n}", f"n{n}"] for n in range(30)]))
    monkeypatch.setattr(staging, "STAGE_CHUNK", 10)
    stage_chunk = staging.stage_chunk
    later = []

    def redelivered_meanwhile(session, *args):
        stage_chunk(session, *args)
        if not later:  # the broker hands the task to a second worker while the first stages
            later.append(import_jobs.start(job_id))

    monkeypatch.setattr(staging, "stage_chunk", redelivered_meanwhile)
    assert run_import(job_id) == "writing", "the first run leaves the job to the later one"
    assert count(Customer) == 0 and count(ImportStagedRow) == 0
    assert Path(db.session.get(ImportJob, job_id).stored_path).exists(), "the later run still needs the file"
    db.session.execute(update(ImportJob).where(ImportJob.id == job_id).values(status="queued"))
    db.session.commit()
    assert run_import(job_id) == "done" and count(Customer) == 30


def test_a_job_writes_exactly_what_the_direct_import_writes(app, write_csv, make_customer):
    """The staged, set-based write gives the same rows as the batch write of the CLI and the
    API: new customers in file order, existing ones updated, tags replaced, orders moved."""
    header = ["客户编号", "客户名称", "城市", "手机", "标签", "注册日期"]
    customers = [[f"C{n}", f"客户{n}", "北京", "13812345678", "x；y" if n % 2 else "", "2024/7/15"] for n in range(1, 8)]
    orders = [[f"O{n}", f"C{n % 3 + 1}", "2024-07-15", "1,234.50"] for n in range(1, 6)]
    outcomes = []
    for through_job in (True, False):
        for model in (Order, CustomerTag, Customer):
            db.session.execute(model.__table__.delete())
        make_customer(external_id="C3", name="旧名", city="上海", consent=True, tags=("old",))
        db.session.commit()
        for kind, header_, rows in (("customers", header, customers), ("orders", ["订单编号", "客户编号", "下单日期", "金额"], orders),
                                    ("orders", ["订单编号", "客户编号", "下单日期", "金额"], [["O1", "C7", "2024-07-16", "9"]])):
            path = write_csv(header_, rows, name=f"{kind}.csv")
            if through_job:
                assert run_import(queued_job(path, kind)) == "done"
            else:
                assert import_file(kind, path).ok
                db.session.commit()
        outcomes.append(snapshot())
    job_result, direct_result = outcomes
    assert job_result == direct_result
    assert [row.external_id for row in job_result[0]][-6:] == ["C1", "C2", "C4", "C5", "C6", "C7"]


WRITER_TICK = 0.05
PRODUCER = """
from wsgi import app
from app.customers.tasks import expire_stale_imports, run_import
with app.app_context():
    print(run_import.delay({job_id}).get(timeout=300))
"""


def test_guests_keep_writing_while_a_big_import_runs(celery_worker_app, write_csv):  # noqa: F811
    """A real worker imports 20,000 customers on its own connection while another
    connection writes every 50 ms with the app's busy timeout: no write is refused
    ("database is locked"), and the import's result is whole."""
    app, env = celery_worker_app
    rows = [[f"C{n:05d}", f"客户{n}", "上海", "a，b"] for n in range(20000)]
    path = write_csv(["客户编号", "客户名称", "城市", "标签"], rows)
    with app.app_context():
        job_id = queued_job(path)
        user_id = auth_services.create_user("guest-writer@example.com", "Writer", "long-enough", ["planner"]).id
        db.session.commit()
    try:
        producer = subprocess.Popen([sys.executable, "-c", PRODUCER.format(job_id=job_id)], cwd=Path(__file__).parents[2],
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        refused, waits, writes = [], [], 0
        with app.app_context():
            while producer.poll() is None:
                started = time.monotonic()
                try:
                    with Session(db.engine) as session:  # its own connection: the app's busy_timeout of 5 s
                        session.execute(update(User).where(User.id == user_id).values(name=f"Writer {writes}"))
                        session.commit()
                    writes += 1
                except OperationalError as error:
                    refused.append(str(error))
                waits.append(time.monotonic() - started)
                time.sleep(WRITER_TICK)
        output, errors = producer.communicate()
        assert producer.returncode == 0, errors[-3000:]
        assert output.strip().splitlines()[-1] == "done"
        assert refused == [] and writes > 10
        print(f"{writes} writes during the import, the longest waited {max(waits) * 1000:.0f} ms")
        with app.app_context():
            job = db.session.get(ImportJob, job_id)
            assert (job.created_count, job.processed_rows) == (20000, 20000)
            assert count(Customer) == 20000 and count(CustomerTag) == 40000 and count(ImportStagedRow) == 0
    finally:  # the worker's SQLite database is shared by the tests of a run
        with app.app_context():
            for model in (CustomerTag, Customer, ImportStagedTag, ImportStagedRow, ImportJob):
                db.session.execute(model.__table__.delete())
            db.session.execute(User.__table__.delete().where(User.id == user_id))
            db.session.commit()


def test_housekeeping_deletes_what_a_finished_job_left_staged(app, write_csv, monkeypatch):
    job_id = queued_job(write_csv(["客户编号", "客户名称", "标签"], [[f"C{n}", f"n{n}", "a"] for n in range(30)]))
    with monkeypatch.context() as died_after_publishing:
        died_after_publishing.setattr(import_jobs, "clear_staged", lambda job_id=None: None)
        assert run_import(job_id) == "done"
    assert count(ImportStagedRow) == 30 and count(ImportStagedTag) == 30 and count(Customer) == 30
    monkeypatch.setattr(staging, "CLEAR_CHUNK", 7)
    expire_stale_imports()
    assert count(ImportStagedRow) == 0 and count(ImportStagedTag) == 0 and count(Customer) == 30
