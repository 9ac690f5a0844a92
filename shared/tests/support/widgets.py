"""A service app of widgets for the tests of the shared web plumbing: views that write through the
request session, check scopes, fail on demand or unexpectedly."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, g
from flask.views import MethodView
from flask_smorest import Api, Blueprint, abort
from marshmallow import Schema, fields, validate
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select
from sqlalchemy.orm import registry

from association.auth import require_scope
from association.db import Database
from association.web import create_service_app, request_session
from support.apps import settings_for

widgets_metadata = MetaData()
widgets_table = Table(
    "widgets",
    widgets_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(50), nullable=False, unique=True),
)


class Widget:
    """An ORM mapping of the test table, so that inserts can be left for the commit to flush."""

    def __init__(self, name: str) -> None:
        self.name = name


registry().map_imperatively(Widget, widgets_table)


class WidgetIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    slow = fields.Float(load_default=0.0)


class WidgetOut(Schema):
    id = fields.Integer()
    name = fields.String()


def widget_count(db: Database) -> int:
    """How many rows the test views wrote."""
    with db.reader() as session:
        return session.execute(select(func.count()).select_from(widgets_table)).scalar_one()


def _widgets_blueprint(app: Flask) -> Blueprint:
    blp = Blueprint("widgets", __name__)

    @blp.route("/widgets")
    class Widgets(MethodView):
        @require_scope("teams:write")
        @blp.arguments(WidgetIn)
        @blp.response(201, WidgetOut)
        def post(self, data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
            """Create a widget (writes through the request session)."""
            session = request_session()
            widget_id = session.execute(
                widgets_table.insert().values(name=data["name"]).returning(widgets_table.c.id)
            ).scalar_one()
            if data["slow"]:
                time.sleep(data["slow"])
            failures = app.config.get("FAIL_NEXT_WIDGETS", 0)
            if failures:
                app.config["FAIL_NEXT_WIDGETS"] = failures - 1
                abort(409, message="told to fail")
            body = {"id": widget_id, "name": data["name"]}
            return body, 201, {"Location": f"/widgets/{widget_id}", "X-Unstored": "1"}

    @blp.route("/widgets/<int:widget_id>")
    @blp.response(200, WidgetOut)
    @require_scope("volunteers:read")
    def get_widget(widget_id: int) -> dict[str, Any]:
        """Read one widget (a function view, guard below the smorest decorators)."""
        row = (
            request_session()
            .execute(select(widgets_table).where(widgets_table.c.id == widget_id))
            .mappings()
            .one_or_none()
        )
        if row is None:
            abort(404, message=f"no widget {widget_id}")
        return dict(row)

    @blp.route("/whoami")
    @blp.doc(description="Who the token speaks for.", operationId="whoami")
    @require_scope("partner")
    def whoami() -> dict[str, Any]:
        """The caller's principal."""
        return {"sub": g.principal.sub, "scopes": sorted(g.principal.scopes)}

    @blp.route("/boom")
    def boom() -> dict[str, Any]:
        """Fail unexpectedly."""
        raise RuntimeError("secret internal detail")

    @blp.route("/duplicate/<when>", methods=["POST"])
    def duplicate(when: str) -> tuple[dict[str, Any], int]:
        """Insert the same unique name twice; the clash surfaces in the view or at commit time."""
        session = request_session()
        if when == "commit":
            session.add_all([Widget("dup"), Widget("dup")])
        else:
            session.execute(widgets_table.insert().values(name="dup"))
            session.execute(widgets_table.insert().values(name="dup"))
        return {"never": "committed"}, 201

    return blp


def widgets_app(db: Database, **kwargs: Any) -> tuple[Flask, Api]:
    """A service app on `db` with the widget views registered (`db` holds `widgets_metadata`)."""
    settings = settings_for("testsvc", db.url)
    app, api = create_service_app(settings, db, title="Test service", **kwargs)
    api.register_blueprint(_widgets_blueprint(app))
    return app, api
