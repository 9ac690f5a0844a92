"""The registration app on this test's database, and helpers to call it."""

from __future__ import annotations

from typing import Any

from flask import Flask

from association.auth import issue_token
from association.service import ServiceContext, create_app
from association.settings import Settings
from registration.definition import SERVICE

SECRET = "registration-tests-secret-" + "0123456789abcdef" * 3


def make_app(database_url: str, amqp_url: str, **settings: Any) -> Flask:
    options = {"signup_rate_limit": "off"} | settings
    return create_app(
        SERVICE,
        Settings(
            service="registration",
            database_url=database_url,
            amqp_url=amqp_url,
            auth_secret=SECRET,
            **options,
        ),
    )


def context_of(app: Flask) -> ServiceContext:
    return app.extensions["association"]["context"]


def bearer(*scopes: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, 'tester', scopes)}"}


def sign_up_form(**overrides: Any) -> dict[str, Any]:
    form = {
        "name": "刘明珠",
        "phone": "+86 138-1234-5678",
        "street": "jiangpu",
        "skills": ["first_aid", "traffic_civility"],
        "consent": True,
    }
    return form | overrides
