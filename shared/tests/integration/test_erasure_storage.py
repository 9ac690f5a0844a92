"""What the database keeps of erased data, on SQLite and PostgreSQL: no statement values in errors,
no deleted content in SQLite's files, the WAL emptied after an erasure's commit, and stored
idempotent responses naming an erased person forgotten."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from association.backends import sqlite
from association.db import Database, checkpoint_after_commit
from association.store.tables import idempotency_table
from association.web.idempotency import forget_responses_naming
from support.tokens import bearer
from support.traces import traces_in_files
from support.widgets import widgets_metadata, widgets_table

SECRET_NAME = "欧阳澜珊-lanshan@example.cn"


def add_widget(database: Database, name: str, widget_id: int | None = None) -> None:
    with database.transaction() as session:
        given = {"name": name} | ({"id": widget_id} if widget_id is not None else {})
        session.execute(insert(widgets_table).values(given))


def erase_widget(database: Database, name: str, *, checkpoint: bool) -> None:
    with database.transaction() as session:
        session.execute(delete(widgets_table).where(widgets_table.c.name == name))
        if checkpoint:
            checkpoint_after_commit(session)


def files_of(database: Database) -> Path:
    return Path(database.engine.url.database or "")


def test_no_error_or_log_line_holds_a_statement_s_values(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    add_widget(database, "first", widget_id=1)
    with (
        caplog.at_level(logging.DEBUG, logger="sqlalchemy"),
        pytest.raises(IntegrityError) as error,
    ):
        add_widget(database, SECRET_NAME, widget_id=1)  # the id is taken
    assert database.engine.hide_parameters
    assert SECRET_NAME not in str(error.value) and SECRET_NAME not in caplog.text


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    """The widgets on a SQLite file: what its files keep is the question."""
    database = Database(f"sqlite:///{tmp_path / 'erasure.db'}")
    database.create_schema(widgets_metadata)
    yield database
    database.dispose()


def test_sqlite_zeroes_what_is_deleted(sqlite_database: Database) -> None:
    database = sqlite_database
    # (Debian builds SQLite with secure_delete on by default; python.org and macOS builds do not.)
    for name in ("before", SECRET_NAME, "after"):  # a page left empty would be cleared anyway
        add_widget(database, name)
    erase_widget(database, SECRET_NAME, checkpoint=False)
    assert traces_in_files(files_of(database), [SECRET_NAME]).keys() == {
        f"{files_of(database)}-wal"
    }
    sqlite.checkpoint(database.engine)  # the page as the delete left it, into the main file
    assert traces_in_files(files_of(database), [SECRET_NAME]) == {}


def test_an_erasure_asking_for_it_leaves_the_wal_empty_after_its_commit(
    database: Database,
) -> None:
    add_widget(database, SECRET_NAME)
    add_widget(database, "kept")
    erase_widget(database, SECRET_NAME, checkpoint=True)  # PostgreSQL: nothing to do, no error
    with database.reader() as session:
        assert session.execute(select(widgets_table.c.name)).scalars().all() == ["kept"]
    if database.is_sqlite:
        assert traces_in_files(files_of(database), [SECRET_NAME]) == {}
        assert Path(f"{files_of(database)}-wal").stat().st_size == 0


def test_a_rolled_back_erasure_asks_for_no_checkpoint(sqlite_database: Database) -> None:
    database = sqlite_database
    add_widget(database, SECRET_NAME)
    with pytest.raises(RuntimeError), database.transaction() as session:
        checkpoint_after_commit(session)
        raise RuntimeError("changed my mind")
    add_widget(database, "next")
    assert Path(f"{files_of(database)}-wal").stat().st_size > 0


def test_stored_responses_naming_an_erased_person_are_forgotten(
    client: FlaskClient, database: Database
) -> None:
    writer = bearer("teams:write", sub="ops")
    for key, name in (("k-1", "a 5c0ffee0-id"), ("k-2", "other"), ("k-3", "b 5c0ffee0-id")):
        response = client.post(
            "/widgets", json={"name": name}, headers=writer | {"Idempotency-Key": key}
        )
        assert response.status_code == 201
    with database.transaction() as session:
        forget_responses_naming(session, "5c0ffee0-id")
        forget_responses_naming(session, "%")  # a wildcard is a character like any other
    with database.reader() as session:
        keys = session.execute(select(idempotency_table.c.key)).scalars().all()
    assert keys == ["k-2"]
    again = client.post(
        "/widgets", json={"name": "other"}, headers=writer | {"Idempotency-Key": "k-2"}
    )
    assert again.headers["Idempotent-Replayed"] == "true"
