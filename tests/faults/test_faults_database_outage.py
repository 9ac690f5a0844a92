"""The database taken from under a worker for a moment while events flow: no message in hand lost.

Notifications runs on PostgreSQL (a private schema, its connections named by application_name);
the test terminates every one of its backends, again and again for a moment, while sign-ups,
assignments and completions flow through the worker's consumer, relays and dispatchers. Each
event may be tried only once (MAX_DELIVERY_ATTEMPTS=1): an attempt spent on the outage would send
it to the dead-letter queue, and the check would find it lost.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from association.testing import private_schema
from exactly_once import assert_each_once
from process_faults import process_of
from submissions import Association
from support.polling import wait_for
from support.stack import running_stack

OUTAGE_SECONDS = 1.0


class DatabaseOutages:
    """Terminates the backends named `application_name`; each outage lasts OUTAGE_SECONDS."""

    def __init__(self, postgres_url: str, application_name: str) -> None:
        self.engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        self.application_name = application_name
        self.terminated = 0

    def outage(self) -> None:
        """Terminate the service's connections as fast as it opens new ones, for a moment."""
        end = time.monotonic() + OUTAGE_SECONDS
        with self.engine.connect() as connection:
            while time.monotonic() < end:
                self.terminated += connection.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        " WHERE application_name = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": self.application_name},
                ).scalar_one()

    @contextmanager
    def repeatedly(self, every: float) -> Iterator[None]:
        """An outage every `every` seconds on a thread while the body runs."""
        stop = threading.Event()
        failures: list[BaseException] = []

        def run() -> None:
            try:
                while not stop.wait(every):
                    self.outage()
            except BaseException as error:
                failures.append(error)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(30)
            assert not failures, failures


@pytest.mark.slow
def test_the_database_lost_under_the_worker_costs_no_message_in_hand(
    tmp_path: Path, amqp_url: str, amqp_prefix: str, postgres_url: str
) -> None:
    application_name = f"faults-{uuid.uuid4().hex[:8]}"
    with private_schema(postgres_url) as schema_url:
        notifications_url = f"{schema_url}&application_name={application_name}"
        outages = DatabaseOutages(postgres_url, application_name)
        with running_stack(
            tmp_path,
            amqp_url,
            amqp_prefix,
            databases={"notifications": notifications_url},
            MAX_DELIVERY_ATTEMPTS="1",
        ) as stack:
            association = Association(stack)
            teams = [association.found_team(f"顶山街道护学岗{n}") for n in range(2)]
            with outages.repeatedly(every=1.5):
                volunteers = association.sign_up_many(300)
                for n, volunteer_id in enumerate(volunteers[:100]):
                    association.assign(teams[n % 2], volunteer_id)
                for team in teams:
                    members = [v for t, v in association.submitted.assignments if t == team]
                    association.complete_activity(team, dict.fromkeys(members, "1.25"))
                wait_for(lambda: outages.terminated >= 20, timeout=30)
            worker = process_of(stack, "notifications-worker")
            assert "retrying the batch" in worker.output(), "no outage caught a batch in hand"
            assert_each_once(association, stack, amqp_url, amqp_prefix)
        outages.engine.dispose()
