"""Uploads never hurt the server: the request only stores the file, the worker reads
it under limits, hostile files are refused and deleted, no write lock is held while
a file streams in or is parsed, and no file outlives its job."""
import io
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from app import create_app
from app.auth import services as auth_services
from app.auth.models import User
from app.customers.imports import jobs as import_jobs
from app.customers.models import ImportJob
from app.customers.tasks import expire_stale_imports, read_upload
from app.extensions import db
from tests.conftest import app_config, migrate_database, sign_in
from tests.customers.test_import_limits import (
    bounded,
    empty_header_cells_csv,
    huge_cell_xlsx,
    repeated_columns_csv,
    shared_strings_xlsx,
)
from tests.customers.test_import_views import job_id_of, upload

HOSTILE = {
    "repeated columns": (repeated_columns_csv, "too_many_columns", "The file has more than 300 columns."),
    "empty header cells": (empty_header_cells_csv, "line_too_long", "longer than 1,000,000 characters"),
    "huge cell": (huge_cell_xlsx, "workbook_too_large", "The workbook expands to more than 256 MB."),
    "shared strings": (shared_strings_xlsx, "too_many_strings", "more than 2,000,000 different texts"),
}


def files():
    """The files in the upload folder (shared by the tests of a run)."""
    folder = import_jobs.upload_folder()
    return set(folder.iterdir()) if folder.is_dir() else set()


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_upload_is_refused_quickly_and_deleted(client_as, app, tmp_path, name):
    make, code, message = HOSTILE[name]
    path = make(tmp_path)
    planner = client_as("planner")
    before = files()
    with bounded():  # the request, and the worker's reading (eager in tests)
        response = upload(planner, path)
    assert response.status_code == 302
    job = db.session.get(ImportJob, job_id_of(response))
    assert (job.status, job.error_count, job.errors[0]["code"], job.mapping) == ("failed", 1, code, None)
    page = planner.get(response.location).get_data(as_text=True)
    assert "Nothing was imported" in page and message in page
    assert files() == before, "a refused file is deleted"
    assert planner.get("/healthz").get_json() == {"status": "ok"}


def test_a_file_being_read_shows_its_progress_and_takes_no_mapping(client_as, customers_csv, monkeypatch):
    monkeypatch.setattr(read_upload, "delay", lambda job_id: None)  # the worker has not started
    planner = client_as("planner")
    response = upload(planner, customers_csv)
    job_id = job_id_of(response)
    job = db.session.get(ImportJob, job_id)
    assert (job.status, job.mapping, job.preview) == ("reading", None, None)
    page = planner.get(response.location).get_data(as_text=True)
    assert "Reading the file" in page and "import-progress.js" in page and "column_0" not in page
    assert planner.get(f"/customers/imports/{job_id}/progress").get_json()["status"] == "reading"
    assert planner.post(response.location, data={"column_0": "external_id"}).status_code == 302

    assert read_upload(job_id) == "uploaded"
    assert read_upload(job_id) is None, "a file is read once"
    db.session.expire_all()
    assert job.mapping["客户编号"] == "external_id" and job.preview["rows"][0][0] == "C001"
    page = planner.get(response.location).get_data(as_text=True)
    assert 'name="column_0"' in page and "星河科技有限公司" in page


def test_preview_cells_are_stored_short(client_as, write_csv):
    path = write_csv(["客户编号", "客户名称"], [["C1", "长" * 5000]] * 30)
    response = upload(client_as("planner"), path)
    job = db.session.get(ImportJob, job_id_of(response))
    assert len(job.preview["rows"]) == 10 and job.preview["rows"][0][1] == "长" * 100
    assert job.preview["estimated"] == 30


def test_files_without_an_open_job_are_removed_by_the_cleanup(app):
    folder = import_jobs.upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    orphan, young, held, finished = (folder / f"{name}.csv" for name in ("orphan", "young", "held", "finished"))
    for path in (orphan, young, held, finished):
        path.write_text("x")
    hours_ago = (datetime.now(UTC) - timedelta(hours=2)).timestamp()
    for path in (orphan, held, finished):
        os.utime(path, (hours_ago, hours_ago))
    db.session.add_all([ImportJob(kind="customers", filename="h.csv", stored_path=str(held), status="uploaded"),
                        ImportJob(kind="customers", filename="f.csv", stored_path=str(finished), status="done")])
    db.session.commit()
    assert expire_stale_imports.delay().get() == 0
    assert (orphan.exists(), young.exists(), held.exists(), finished.exists()) == (False, True, True, False)


def test_a_failed_job_record_leaves_no_file(app, customers_csv, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(import_jobs, "create_job", refuse)
    before = files()
    with customers_csv.open("rb") as stream, pytest.raises(RuntimeError):
        import_jobs.store_upload("customers", stream, "c.csv")
    assert files() == before


def test_others_write_while_an_upload_streams_in_and_is_read(backend, tmp_path, customers_csv, monkeypatch):
    """On a database of its own (not the tests' shared transaction): while the upload
    request saves the file, and while the worker reads it, another connection saves
    at once. Once, the upload held SQLite's write lock throughout and the other
    writer failed after 5 s with "database is locked"."""
    app = create_app(app_config(backend, tmp_path, "rapport_uploads", RATELIMIT_ENABLED=False))
    migrate_database(app)
    with app.app_context():
        planner = auth_services.create_user("uploads@example.com", "Uploader", "long-enough", ["planner"])
        db.session.commit()
        planner_id = planner.id
        client = sign_in(app.test_client(), planner)
    waits = []

    def save_elsewhere():
        """A planner's save on another connection, as another request would."""
        def run():
            with app.app_context():
                started = time.monotonic()
                db.session.execute(update(User).where(User.id == planner_id).values(name=f"Saved {len(waits)}"))
                db.session.commit()
                waits.append(time.monotonic() - started)
                db.session.remove()
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=30)

    save, preview = import_jobs._save, import_jobs.preview
    monkeypatch.setattr(import_jobs, "_save", lambda *args: (save(*args), save_elsewhere())[0])
    monkeypatch.setattr(import_jobs, "preview", lambda *args: (save_elsewhere(), preview(*args))[1])
    response = client.post("/customers/imports/new", content_type="multipart/form-data", data={
        "kind": "customers", "file": (io.BytesIO(customers_csv.read_bytes()), "c.csv")})
    assert response.status_code == 302
    assert len(waits) == 2 and max(waits) < 1, waits
    with app.app_context():
        job = db.session.get(ImportJob, job_id_of(response))
        assert (job.status, Path(job.stored_path).is_file()) == ("uploaded", True)
        assert db.session.get(User, planner_id).name == "Saved 1"
        db.session.remove()
        db.engine.dispose()
