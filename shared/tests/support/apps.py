"""A service's app in a test: its settings on the test's database, signed with the test secret."""

from __future__ import annotations

from typing import Any

from flask import Flask

from association.service import ServiceContext, ServiceDefinition, create_app
from association.settings import Settings
from support.tokens import SECRET


def settings_for(service: str, database_url: str, **options: Any) -> Settings:
    """`service`'s settings on `database_url` with the test secret, sign-ups unlimited; `options`
    over them."""
    defaults: dict[str, Any] = {"auth_secret": SECRET, "signup_rate_limit": "off"}
    return Settings(service=service, database_url=database_url, **(defaults | options))


def make_app(definition: ServiceDefinition, database_url: str, **options: Any) -> Flask:
    """The app of `definition` on `database_url` (see `settings_for`); the caller disposes of its
    database (`context_of(app).database.dispose()`)."""
    return create_app(definition, settings_for(definition.name, database_url, **options))


def context_of(app: Flask) -> ServiceContext:
    """The wired-up service behind an app made by `create_app`."""
    return app.extensions["association"]["context"]
