"""The outbox: durable adds, oldest first, removal by id, damaged files and many threads."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import threading

import pytest

from tv_client.sync.outbox import Outbox


def ev(n: int, **more) -> dict:
    return {"id": f"e{n:03d}", "lesson_id": 11, "position_s": float(n), **more}


@pytest.fixture
def outbox(tmp_path):
    box = Outbox(tmp_path / "outbox.db")
    yield box
    box.close()


def test_batches_come_oldest_first_and_removed_events_leave(outbox):
    for n in (3, 1, 2):
        assert outbox.add(ev(n))
    assert [e["id"] for e in outbox.batch()] == ["e003", "e001", "e002"]  # added, not sorted
    outbox.remove(["e001", "nope"])
    assert [e["id"] for e in outbox.batch()] == ["e003", "e002"]
    assert outbox.count() == 2


def test_a_batch_is_at_most_limit_events(outbox):
    for n in range(5):
        outbox.add(ev(n))
    assert [e["id"] for e in outbox.batch(limit=2)] == ["e000", "e001"]


def test_events_come_back_as_they_went_in(outbox):
    event = ev(1, played=[[0.0, 1.5]], profile="小明", kind="pause")
    outbox.add(event)
    assert outbox.batch() == [event]


def test_adding_an_id_twice_keeps_the_first(outbox):
    outbox.add(ev(1, position_s=1.0))
    outbox.add(ev(1, position_s=2.0))
    assert outbox.batch() == [ev(1, position_s=1.0)]


def test_unacknowledged_sends_are_counted(outbox):
    outbox.add(ev(1))
    outbox.attempted(["e001"])
    outbox.attempted(["e001"])
    assert outbox.attempts("e001") == 2
    assert outbox.attempts("absent") == 0


def test_commits_sync_a_write_ahead_log(outbox):
    # FULL, not NORMAL: a WAL commit under NORMAL does not survive a power cut.
    assert outbox._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert outbox._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_events_survive_reopening(tmp_path):
    first = Outbox(tmp_path / "outbox.db")
    first.add(ev(1))
    first.add(ev(2))
    first.close()
    again = Outbox(tmp_path / "outbox.db")
    assert [e["id"] for e in again.batch()] == ["e001", "e002"]
    again.close()


def test_an_added_event_survives_the_process_dying_at_once(tmp_path):
    path = tmp_path / "outbox.db"
    script = (
        "import os, sys; from tv_client.sync.outbox import Outbox\n"
        "Outbox(sys.argv[1]).add({'id': 'last-words'}); os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=True)
    box = Outbox(path)
    assert [e["id"] for e in box.batch()] == ["last-words"]
    box.close()


def test_a_file_that_is_not_a_database_is_moved_aside(tmp_path, caplog):
    path = tmp_path / "outbox.db"
    path.write_bytes(b"this is not SQLite" * 100)
    with caplog.at_level(logging.WARNING):
        box = Outbox(path, clock=lambda: 1767225600.0)
    assert box.count() == 0
    assert box.add(ev(1)) and box.count() == 1
    aside = tmp_path / "outbox.db.broken-20260101T000000Z"
    assert aside.read_bytes() == b"this is not SQLite" * 100  # kept for whoever looks into it
    assert "damaged" in caplog.text
    box.close()


def test_a_database_with_damaged_pages_is_moved_aside(tmp_path, caplog):
    path = tmp_path / "outbox.db"
    box = Outbox(path)
    for n in range(40):
        box.add(ev(n, padding="x" * 3000))
    box.close()
    with path.open("r+b") as raw:  # scribble over the middle of the table's pages
        raw.seek(8192)
        raw.write(b"\xff" * 4096)
    with caplog.at_level(logging.WARNING):
        again = Outbox(path)
    assert again.count() == 0
    assert list(tmp_path.glob("outbox.db.broken-*"))
    assert "damaged" in caplog.text
    again.close()


def test_an_outbox_that_cannot_be_opened_waits_in_memory(tmp_path, caplog):
    (tmp_path / "data").write_text("a file where the directory should be")
    with caplog.at_level(logging.WARNING):
        box = Outbox(tmp_path / "data" / "outbox.db")
    box.add(ev(1))
    assert [e["id"] for e in box.batch()] == ["e001"]
    assert "in memory" in caplog.text
    box.close()


def test_an_unreadable_event_is_dropped_with_a_warning(tmp_path, caplog):
    box = Outbox(tmp_path / "outbox.db")
    box.add(ev(1))
    raw = sqlite3.connect(tmp_path / "outbox.db")
    raw.execute("INSERT INTO events (id, body, created_at) VALUES ('bad', '{oops', 0)")
    raw.commit()
    raw.close()
    with caplog.at_level(logging.WARNING):
        assert [e["id"] for e in box.batch()] == ["e001"]
    assert box.count() == 1
    assert "unreadable" in caplog.text
    box.close()


def test_threads_may_add_at_the_same_time(outbox):
    def add_many(worker: int) -> None:
        for n in range(50):
            outbox.add({"id": f"w{worker}-{n}"})

    threads = [threading.Thread(target=add_many, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outbox.count() == 400
    ids = [e["id"] for e in outbox.batch(limit=1000)]
    assert len(set(ids)) == 400
    for worker in range(8):  # each thread's events in the order it added them
        mine = [i for i in ids if i.startswith(f"w{worker}-")]
        assert mine == [f"w{worker}-{n}" for n in range(50)]
