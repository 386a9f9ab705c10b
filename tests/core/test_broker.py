"""The embedded broker never shows the worker a half-written message, and one unreadable
message does not stop the worker."""
import logging
import os

import pytest
from kombu import Connection
from kombu.transport.virtual.base import Empty

from app import create_app
from app.config import load_config
from app.core import broker
from app.extensions import celery


@pytest.fixture
def channel(tmp_path):
    folder = tmp_path / "queue"
    folder.mkdir()
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder), "store_processed": False}
    with Connection("filesystem://", transport="app.core.broker:Transport", transport_options=options) as connection:
        yield connection.default_channel, folder


def test_a_message_appears_only_when_it_is_whole(channel, monkeypatch):
    channel, folder = channel
    seen_while_writing = []
    rename = os.replace

    def replace_after_a_read(source, target):
        try:  # the worker polls between the write and the rename
            seen_while_writing.append(channel._get("celery"))
        except Empty:
            seen_while_writing.append(None)
        rename(source, target)

    monkeypatch.setattr(broker.os, "replace", replace_after_a_read)
    channel._put("celery", {"body": "whole"})
    assert seen_while_writing == [None]
    assert channel._get("celery") == {"body": "whole"}
    assert os.listdir(folder) == []


def test_an_unreadable_message_is_skipped_and_the_next_one_delivered(channel, caplog):
    channel, folder = channel
    (folder / "0_broken.celery.msg").write_bytes(b"")  # what kombu's own writer can leave
    channel._put("celery", {"body": "next"})
    with caplog.at_level(logging.ERROR, logger="app.core.broker"):
        assert channel._get("celery") == {"body": "next"}
    assert "could not be read" in caplog.text
    with pytest.raises(Empty):
        channel._get("celery")


def test_the_embedded_broker_uses_this_transport(base_config):
    create_app(base_config)
    assert celery.connection_for_write().transport_cls == "app.core.broker:Transport"


def test_a_server_broker_keeps_its_own_transport(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "broker-test")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6399/0")
    settings = load_config(tmp_path)["CELERY"]
    assert settings["broker_transport"] is None
    with Connection(settings["broker_url"], transport=settings["broker_transport"]) as connection:
        assert connection.transport.driver_type == "redis"
