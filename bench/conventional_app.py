"""The HTTP benchmark's reference: a conventional sign-up on the same stack and the same gunicorn.

`POST /volunteers` through flask-smorest, its body validated by registration's own sign-up schema
(`registration.api.schemas`, with the vocabularies shipped), then one SQLAlchemy INSERT of the
volunteer into a plain table (the phone UNIQUE: a second sign-up with it answers 409), answering
201 with the volunteer masked as registration's sign-up answers it (its `anonymous_view`, through
its VolunteerSchema). No events, no outbox, no read model, no encryption, no identity hashes.
SQLite runs in WAL with synchronous=NORMAL, as the services' databases do.

`python -m bench.conventional_app` creates the table, then serves the app the way
`association.service.serve_web` serves a service (gthread workers, no access log, the same GIL
switch interval in each worker), configured by the same DATABASE_URL, PORT, HOST,
WEB_CONCURRENCY and WEB_THREADS.
"""

from __future__ import annotations

import os
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.views import MethodView
from flask_smorest import Api, Blueprint, abort
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    create_engine,
    event,
)
from sqlalchemy.exc import IntegrityError

from association.service.web import GIL_SWITCH_INTERVAL, GunicornApplication, gunicorn_options
from association.settings import Settings
from registration.api.schemas import VolunteerSchema, volunteer_schemas
from registration.api.volunteers import anonymous_view
from registration.config import read_vocabulary

metadata = MetaData()

volunteers_table = Table(
    "conventional_volunteers",
    metadata,
    Column("volunteer_id", String(36), primary_key=True),
    Column("name", String(50), nullable=False),
    Column("phone", String(20), nullable=False, unique=True),
    Column("id_number", String(18)),
    Column("email", String(254)),
    Column("birth_date", Date),
    Column("gender", String(6)),
    Column("street", String(50), nullable=False),
    Column("skills", JSON, nullable=False),
    Column("organisation_id", String(36)),
    Column("consent", Boolean, nullable=False),
    Column("guardian_consent", Boolean, nullable=False),
    Column("source", String(20), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
)


def make_engine(url: str) -> Engine:
    """A plain engine; on SQLite the services' durability: WAL, synchronous=NORMAL."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _configure(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


def create_app(database_url: str) -> Flask:
    """The conventional sign-up app on the database at `database_url` (its table made already)."""
    engine = make_engine(database_url)
    schemas = volunteer_schemas(read_vocabulary("streets", None), read_vocabulary("skills", None))
    app = Flask(__name__)
    app.config.update(
        API_TITLE="conventional sign-up",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
    )
    api = Api(app)
    blp = Blueprint("volunteers", __name__, url_prefix="/volunteers")

    @blp.route("")
    class Volunteers(MethodView):
        @blp.arguments(schemas.sign_up())
        @blp.response(201, VolunteerSchema)
        def post(self, data: dict[str, Any]) -> dict[str, Any]:
            row = data | {"volunteer_id": str(uuid.uuid4()), "registered_at": datetime.now(UTC)}
            try:
                with engine.begin() as connection:
                    connection.execute(volunteers_table.insert(), row)
            except IntegrityError:
                abort(409, message="the phone is already registered")
            # The answer registration's public sign-up gives: name, phone and e-mail masked.
            return anonymous_view(
                row | {"registered_at": row["registered_at"].isoformat(), "version": 1}
            )

    api.register_blueprint(blp)
    return app


def _tune_worker(_server: Any, _worker: Any) -> None:
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)  # as serve_web does in each worker


def main() -> None:
    """Create the table, then serve the app with the options `serve_web` gives a service."""
    settings = Settings.from_env()
    database_url = os.environ["DATABASE_URL"]
    engine = make_engine(database_url)
    metadata.create_all(engine)
    engine.dispose()  # the workers make their own after the fork
    options = gunicorn_options(settings, int(os.environ["PORT"])) | {"post_fork": _tune_worker}
    GunicornApplication(lambda: create_app(database_url), options).run()


if __name__ == "__main__":
    main()
