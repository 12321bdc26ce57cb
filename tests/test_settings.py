"""The SQLite default stands a web server's concurrent writers: WAL, IMMEDIATE, a busy timeout."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper


@pytest.fixture
def open_sqlite_file(tmp_path, db):
    """Opens connections to a fresh SQLite file with the project's default SQLite options,
    the way Django opens the default database."""
    settings_dict = {
        **connections["default"].settings_dict,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "concurrency.sqlite3"),
        "OPTIONS": dict(settings.SQLITE_OPTIONS),
    }
    opened = []

    def open_connection() -> DatabaseWrapper:
        wrapper = DatabaseWrapper(settings_dict, alias="concurrency")
        wrapper.ensure_connection()
        opened.append(wrapper)
        return wrapper

    with open_connection().cursor() as cursor:
        cursor.execute("CREATE TABLE visit (id INTEGER PRIMARY KEY, n INTEGER)")
    yield open_connection
    for wrapper in opened:
        if wrapper._thread_ident == threading.get_ident():  # the others close themselves
            wrapper.close()


def test_sqlite_connections_use_wal_and_wait_when_busy(open_sqlite_file):
    wrapper = open_sqlite_file()
    assert wrapper.transaction_mode == "IMMEDIATE"
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


def test_two_writers_at_once_wait_for_each_other_instead_of_failing(open_sqlite_file):
    """Read-then-write transactions in two threads: in SQLite's default DEFERRED mode the
    second writer fails at once with "database is locked"; in IMMEDIATE mode it waits."""
    errors: list[Exception] = []

    def writer(worker: int) -> None:
        wrapper = open_sqlite_file()
        try:
            for _ in range(5):
                # What transaction.atomic() does on SQLite: BEGIN <transaction_mode>.
                wrapper._start_transaction_under_autocommit()
                with wrapper.cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM visit")
                    seen = cursor.fetchone()[0]
                    time.sleep(0.02)  # hold the transaction while the other thread tries
                    cursor.execute("INSERT INTO visit (n) VALUES (%s)", [seen + worker])
                wrapper.commit()
        except Exception as error:
            errors.append(error)
        finally:
            wrapper.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with open_sqlite_file().cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM visit")
        assert cursor.fetchone()[0] == 10
