"""The web import: upload, preview with the automatic match, mapping, task, result."""
import io
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.auth import services as auth_services
from app.customers.imports import checking, fields
from app.customers.imports import jobs as import_jobs
from app.customers.models import Customer, ImportJob, Order
from app.customers.tasks import run_import
from app.extensions import db
from tests.conftest import sign_in
from tests.core.test_worker import celery_worker_app  # noqa: F401  (fixture: a real worker process)
from tests.customers.conftest import CUSTOMER_HEADER, ORDER_HEADER


def upload(client, path_or_bytes, name=None, kind="customers"):
    content = Path(path_or_bytes).read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    return client.post(
        "/customers/imports/new",
        data={"kind": kind, "file": (io.BytesIO(content), name or Path(path_or_bytes).name)},
        content_type="multipart/form-data",
    )


def job_id_of(response):
    return int(re.fullmatch(r"/customers/imports/(\d+)", response.location).group(1))


def selected(page, index):
    """The option chosen in the select of the file's column `index`."""
    select_html = re.search(rf'<select[^>]*name="column_{index}".*?</select>', page, re.DOTALL).group(0)
    match = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select_html)
    return next(value for value in match.groups() if value is not None) if match else None


def confirm(client, job_id, mapping):
    return client.post(f"/customers/imports/{job_id}", data={f"column_{i}": field for i, field in enumerate(mapping)})


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_upload_preview_confirm_and_result(client_as, customers_csv, app):
    planner = client_as("planner")
    assert "Import customers or orders" in planner.get("/customers/imports/new").get_data(as_text=True)

    response = upload(planner, customers_csv, name="我的客户.csv")
    assert response.status_code == 302
    job = db.session.get(ImportJob, job_id_of(response))
    stored = Path(job.stored_path)
    assert (job.status, job.filename, job.created_by_id) == ("uploaded", "我的客户.csv", planner.user.id)
    assert stored.parent == Path(app.instance_path) / "uploads" and stored.is_file()
    assert "我的客户" not in stored.name and stored.suffix == ".csv"

    page = planner.get(response.location).get_data(as_text=True)
    assert [selected(page, i) for i in range(len(CUSTOMER_HEADER))] == list(fields.CUSTOMER_FIELDS)
    assert 'data-testid="preview"' in page and "星河科技有限公司" in page and "Blue Ocean Ltd" in page

    result = confirm(planner, job.id, fields.CUSTOMER_FIELDS)
    assert result.status_code == 302 and result.location == f"/customers/imports/{job.id}"
    db.session.expire_all()
    assert (job.status, job.total_rows, job.created_count, job.updated_count, job.error_count) == ("done", 3, 3, 0, 0)
    assert count(Customer) == 3
    assert not stored.exists(), "the uploaded file is removed once imported"

    page = planner.get(result.location).get_data(as_text=True)
    assert "Import finished" in page and "3 rows imported: 3 new, 0 updated." in page
    assert "import-progress.js" not in page


def test_the_user_corrects_the_mapping_before_importing(client_as, write_csv):
    planner = client_as("admin")
    path = write_csv(["Kunden-Nr", "Kundenname", "城市", "备注"], [["K1", "甲", "上海", "x"]], name="k.csv")
    job_id = job_id_of(upload(planner, path))
    page = planner.get(f"/customers/imports/{job_id}").get_data(as_text=True)
    assert [selected(page, i) for i in range(4)] == ["", "", "city", ""]

    refused = confirm(planner, job_id, ["", "name", "city", ""])
    assert refused.status_code == 200
    assert "Choose a column for every required field: Customer ID." in refused.get_data(as_text=True)
    assert db.session.get(ImportJob, job_id).status == "uploaded"

    twice = confirm(planner, job_id, ["external_id", "name", "name", ""])
    assert "Each field can come from one column only: Name." in twice.get_data(as_text=True)

    assert confirm(planner, job_id, ["external_id", "name", "", ""]).status_code == 302
    customer = db.session.scalar(select(Customer).where(Customer.external_id == "K1"))
    assert (customer.name, customer.city) == ("甲", None)
    assert db.session.get(ImportJob, job_id).mapping == {"Kunden-Nr": "external_id", "Kundenname": "name", "城市": "", "备注": ""}


def test_bad_rows_fail_the_job_and_every_error_is_shown(client_as, write_xlsx, make_customer):
    make_customer(external_id="C001")
    planner = client_as("planner")
    path = write_xlsx(ORDER_HEADER, [
        ["O1", "C001", "2024-07-15", 100, None, None],
        ["O2", "C404", "2024-07-15", "¥1,00", None, None],
        ["O3", "C001", "15.07.2024", 5, None, None],
    ], name="orders.xlsx")
    job_id = job_id_of(upload(planner, path, kind="orders"))
    confirm(planner, job_id, fields.ORDER_FIELDS)
    job = db.session.get(ImportJob, job_id)
    assert (job.status, job.error_count, job.created_count) == ("failed", 3, 0)
    assert job.errors == [
        {"line": 3, "column": "订单金额", "code": "invalid_amount", "value": "¥1,00"},
        {"line": 3, "column": "客户编号", "code": "unknown_customer", "value": "C404"},
        {"line": 4, "column": "下单日期", "code": "invalid_date", "value": "15.07.2024"},
    ]
    assert count(Order) == 0
    page = planner.get(f"/customers/imports/{job_id}").get_data(as_text=True)
    assert "Nothing was imported" in page and "The file has 3 errors." in page
    rows = re.findall(r"<tr>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>([^<]*)</td>", page)
    assert rows == [("3", "订单金额"), ("3", "客户编号"), ("4", "下单日期")]
    assert "No customer has this customer ID." in page and "Not a date." in page


def test_errors_beyond_the_stored_ones_are_counted(client_as):
    job = ImportJob(kind="orders", filename="big.csv", stored_path="/nonexistent", status="failed", error_count=2345,
                    errors=[{"line": n, "column": "金额", "code": "invalid_amount", "value": "x"} for n in range(2, 1002)])
    db.session.add(job)
    db.session.commit()
    page = client_as("planner").get(f"/customers/imports/{job.id}").get_data(as_text=True)
    assert "The file has 2,345 errors." in page and "… and 1,345 more." in page


@pytest.mark.parametrize("name, content, message", [
    ("notes.pdf", b"%PDF-1.4", "Upload a CSV file or an Excel workbook (.xlsx)."),
    ("old.xls", b"\xd0\xcf\x11\xe0", "Upload a CSV file or an Excel workbook (.xlsx)."),
])
def test_files_of_other_types_are_refused_on_the_upload_page(client_as, app, name, content, message):
    planner = client_as("planner")
    uploads = Path(app.instance_path) / "uploads"
    before = set(uploads.iterdir()) if uploads.exists() else set()
    response = upload(planner, content, name=name)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(ImportJob) == 0
    assert (set(uploads.iterdir()) if uploads.exists() else set()) == before


@pytest.mark.parametrize("name, content, code, message", [
    ("empty.csv", b"", "empty_file", "The file has no header row and no data."),
    ("header.csv", "客户编号,客户名称\n".encode(), "no_rows", "The file has a header row but no data rows."),
    ("binary.csv", bytes(range(256)) * 8, "unknown_encoding", "neither UTF-8 nor GBK/GB18030"),
    ("broken.xlsx", b"PK\x03\x04 nothing", "unreadable_file", "The file cannot be read."),
])
def test_files_that_cannot_be_read_fail_their_job_with_a_message(client_as, app, name, content, code, message):
    """The request only stores the file; the worker reads it, fails the job and deletes the file."""
    planner = client_as("planner")
    response = upload(planner, content, name=name)
    assert response.status_code == 302
    job = db.session.get(ImportJob, job_id_of(response))
    assert (job.status, job.errors[0]["code"], job.mapping) == ("failed", code, None)
    assert message in planner.get(response.location).get_data(as_text=True)
    assert not Path(job.stored_path).exists()


def test_upload_needs_a_file_and_respects_the_size_limit(client_as, make_app, customers_csv):
    planner = client_as("planner")
    response = planner.post("/customers/imports/new", data={"kind": "customers"}, content_type="multipart/form-data")
    assert "Choose a file to upload." in response.get_data(as_text=True)
    small = make_app(IMPORT_MAX_MB=0).test_client()
    sign_in(small, planner.user)
    response = upload(small, customers_csv)
    assert response.status_code == 200 and "The file is larger than 0 MB." in response.get_data(as_text=True)


def test_gbk_upload_is_previewed_and_imported(client_as, write_csv):
    planner = client_as("planner")
    path = write_csv(["客户编号", "客户名称", "城市"], [["C1", "华东医疗", "杭州"]], encoding="gb18030")
    job_id = job_id_of(upload(planner, path))
    assert "华东医疗" in planner.get(f"/customers/imports/{job_id}").get_data(as_text=True)
    confirm(planner, job_id, ["external_id", "name", "city"])
    assert db.session.scalar(select(Customer.city).where(Customer.external_id == "C1")) == "杭州"


def test_progress_endpoint_reports_the_job(client_as):
    job = ImportJob(kind="customers", filename="c.csv", stored_path="/nonexistent", status="validating",
                    total_rows=200, processed_rows=50)
    db.session.add(job)
    db.session.commit()
    planner = client_as("planner")
    data = planner.get(f"/customers/imports/{job.id}/progress").get_json()
    assert data["status"] == "validating" and data["finished"] is False
    assert (data["percent"], data["processed_rows"], data["total_rows"]) == (25, 50, 200)
    assert data["text"] == "Checked 50 of about 200 rows…"
    page = planner.get(f"/customers/imports/{job.id}").get_data(as_text=True)
    assert "import-progress.js" in page and f'data-import-progress="/customers/imports/{job.id}/progress"' in page

    job.status, job.created_count = "done", 200
    db.session.commit()
    data = planner.get(f"/customers/imports/{job.id}/progress").get_json()
    assert (data["finished"], data["percent"], data["created"]) == (True, 100, 200)


def test_the_task_reports_progress_then_writes(app, client_as, write_csv, monkeypatch):
    monkeypatch.setattr(checking, "BATCH_SIZE", 2)
    reported = []
    original = import_jobs.JobProgress.set
    monkeypatch.setattr(import_jobs.JobProgress, "set", lambda self, **values: (reported.append(values),
                                                                              original(self, **values)))
    planner = client_as("planner")
    path = write_csv(["编号", "名称"], [[f"C{n}", f"n{n}"] for n in range(5)])
    job_id = job_id_of(upload(planner, path))
    confirm(planner, job_id, ["external_id", "name"])
    assert reported == [
        {"status": "validating", "total_rows": 5, "processed_rows": 0},
        {"processed_rows": 2}, {"processed_rows": 4}, {"processed_rows": 5},
        {"status": "writing"},
    ]
    assert db.session.get(ImportJob, job_id).status == "done"


def test_the_task_runs_a_job_once_and_survives_a_vanished_file(app, client_as, customers_csv):
    planner = client_as("planner")
    job_id = job_id_of(upload(planner, customers_csv))
    job = db.session.get(ImportJob, job_id)
    assert run_import(job_id) is None, "a job that is not confirmed does not run"
    Path(job.stored_path).unlink()
    job.status = "queued"
    db.session.commit()
    assert run_import(job_id) == "failed"
    db.session.expire_all()
    assert job.errors == [{"line": None, "column": None, "code": "file_missing", "value": ""}]
    page = planner.get(f"/customers/imports/{job_id}").get_data(as_text=True)
    assert "The uploaded file is no longer available." in page
    assert run_import(job_id) is None


def test_confirming_a_finished_job_again_changes_nothing(client_as, customers_csv):
    planner = client_as("planner")
    job_id = job_id_of(upload(planner, customers_csv))
    confirm(planner, job_id, fields.CUSTOMER_FIELDS)
    again = confirm(planner, job_id, fields.CUSTOMER_FIELDS)
    assert again.status_code == 302
    assert db.session.get(ImportJob, job_id).created_count == 3


def test_import_list_uses_a_fixed_number_of_queries(client_as, make_user, count_queries):
    planner = client_as("planner")

    def add_jobs(n):
        user = make_user(name=f"Uploader {n}")
        db.session.add_all([ImportJob(kind="orders", filename=f"f{n}-{i}.csv", stored_path="/x", status="done",
                                      created_by_id=user.id) for i in range(n)])
        db.session.commit()

    add_jobs(2)
    with count_queries() as few:
        page = planner.get("/customers/imports").get_data(as_text=True)
    assert "f2-1.csv" in page and "Uploader 2" in page
    add_jobs(5)
    with count_queries() as many:
        page = planner.get("/customers/imports").get_data(as_text=True)
    assert "f5-4.csv" in page and "Uploader 5" in page
    assert len(many) == len(few)


PRODUCER = """
from wsgi import app
from app.customers.tasks import run_import
with app.app_context():
    print(run_import.delay({job_id}).get(timeout=120))
"""


def test_a_real_worker_imports_while_the_page_polls(celery_worker_app, write_csv):  # noqa: F811
    """Separate processes and connections, as in production: progress commits
    while validating must not lock out the write phase (SQLite) or the reader."""
    app, env = celery_worker_app
    rows = [[f"C{n:05d}", f"客户{n}", "上海", "a，b"] for n in range(12000)]
    path = write_csv(["客户编号", "客户名称", "城市", "标签"], rows)
    with app.app_context():
        with path.open("rb") as stream:
            job = import_jobs.store_upload("customers", stream, "big.csv")
        db.session.commit()
        assert import_jobs.read_upload(job.id) == "uploaded"
        db.session.commit()
        job = db.session.get(ImportJob, job.id)
        import_jobs.confirm_mapping(job, job.mapping)
        db.session.commit()
        job_id = job.id
    producer = subprocess.Popen([sys.executable, "-c", PRODUCER.format(job_id=job_id)], cwd=Path(__file__).parents[2],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with app.app_context():
        user = auth_services.create_user("importer-worker@example.com", "Importer", "long-enough", ["planner"])
        db.session.commit()
        client = sign_in(app.test_client(), user)
    seen = []
    while producer.poll() is None:  # each request has its own app context and session, as in production
        data = client.get(f"/customers/imports/{job_id}/progress").get_json()
        if not seen or seen[-1] != data["status"]:
            seen.append(data["status"])
        time.sleep(0.05)
    output, errors = producer.communicate()
    assert producer.returncode == 0, errors[-3000:]
    assert output.strip().splitlines()[-1] == "done"
    data = client.get(f"/customers/imports/{job_id}/progress").get_json()
    assert (data["status"], data["created"], data["processed_rows"]) == ("done", 12000, 12000)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Customer)) == 12000
    order = ["queued", "validating", "writing", "done"]
    assert [order.index(status) for status in seen] == sorted(order.index(status) for status in seen)


def test_upload_checks_csrf_and_refuses_an_oversized_body_early(client_as, make_app, customers_csv):
    planner = client_as("planner")
    guarded = make_app(WTF_CSRF_ENABLED=True, IMPORT_MAX_MB=1).test_client()
    sign_in(guarded, planner.user)
    refused = upload(guarded, customers_csv)
    assert refused.status_code == 400 and "The form has expired" in refused.get_data(as_text=True)
    assert count(ImportJob) == 0
    page = guarded.get("/customers/imports/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    huge = guarded.post("/customers/imports/new", content_type="multipart/form-data", data={
        "csrf_token": token, "kind": "customers", "file": (io.BytesIO(b"x" * (1024 * 1024 + 100 * 1024)), "big.csv")})
    assert huge.status_code == 200 and "The file is larger than 1 MB." in huge.get_data(as_text=True)
    accepted = guarded.post("/customers/imports/new", content_type="multipart/form-data", data={
        "csrf_token": token, "kind": "customers", "file": (io.BytesIO(customers_csv.read_bytes()), "c.csv")})
    assert accepted.status_code == 302 and count(ImportJob) == 1


def test_abandoned_imports_are_closed_and_their_files_deleted(app, tmp_path):
    from datetime import UTC, datetime, timedelta

    from app.customers.imports import jobs as import_jobs
    from app.customers.models import ImportJob
    from app.customers.tasks import expire_stale_imports
    from app.extensions import db

    folder = import_jobs.upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    old_file, new_file = folder / "old-upload.csv", folder / "new-upload.csv"
    old_file.write_text("x"), new_file.write_text("x")
    long_ago = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=2)
    old = ImportJob(kind="customers", filename="a.csv", stored_path=str(old_file), status="uploaded", created_at=long_ago)
    stuck = ImportJob(kind="orders", filename="b.csv", stored_path=str(folder / "gone.csv"), status="validating", created_at=long_ago)
    fresh = ImportJob(kind="customers", filename="c.csv", stored_path=str(new_file), status="uploaded")
    done = ImportJob(kind="customers", filename="d.csv", stored_path="/nonexistent", status="done", created_at=long_ago)
    db.session.add_all([old, stuck, fresh, done])
    db.session.commit()
    assert expire_stale_imports.delay().get() == 2
    assert (old.status, stuck.status, fresh.status, done.status) == ("failed", "failed", "uploaded", "done")
    assert old.errors[0]["code"] == "abandoned"
    assert not old_file.exists() and new_file.exists()
    assert expire_stale_imports.delay().get() == 0
