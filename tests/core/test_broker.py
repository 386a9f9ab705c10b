"""The embedded broker never shows the worker a half-written message, and one unreadable
message does not stop the worker."""
import logging
import os

import pytest
from kombu import Connection
from kombu.transport.virtual.base import Empty

from app import create_app
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


def test_every_filesystem_url_in_the_process_uses_this_transport(base_config, tmp_path):
    create_app(base_config)
    assert type(celery.connection_for_write().transport) is broker.Transport
    # A producer configured on its own, as another process or a script would be.
    options = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    with Connection("filesystem://", transport_options=options) as connection:
        assert type(connection.transport) is broker.Transport


def test_a_server_broker_keeps_its_own_transport(base_config):
    create_app(base_config)
    with Connection("redis://127.0.0.1:6399/0") as connection:
        assert connection.transport.driver_type == "redis"
