"""`/sessions`: logging in by phone and one-time code, refreshing, logging out.

Public (no token) but for the logout, limited per client address (`LOGIN_RATE_LIMIT`), and never
replayed under an Idempotency-Key: their answers hold codes' effects and tokens, never stored.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from association.auth import TokenError, principal_from_request
from association.auth.tokens import CHALLENGE
from association.messaging.commands import CommandNotSent, CommandPublisher
from association.service import ServiceContext
from association.web.idempotency import never_stored
from registration.adapters.identities import IdentityIndex
from registration.api.errors import answering_errors
from registration.api.login_schemas import (
    CodeRequestSchema,
    CodeSentSchema,
    RefreshSchema,
    SessionRequestSchema,
    TokenPairSchema,
)
from registration.api.rate_limit import login_limit
from registration.config import RegistrationConfig
from registration.domain.logins import REFRESH_REFUSED, REFUSED, CodeHasher, LoginRefused, TooSoon
from registration.service_layer.sessions import Logins

CODE_SENT = "if this phone may log in, a code is on its way; it is valid for 5 minutes"


def logins_of(context: ServiceContext) -> Logins:
    """The login use cases of this process, publishing codes to its broker."""
    config: RegistrationConfig = context.config
    settings = context.settings
    return Logins(
        context.database,
        IdentityIndex(config.identity_hash_key),
        CodeHasher.derived_from(config.identity_hash_key),
        CommandPublisher(settings.amqp_url, settings.amqp_prefix),
        settings.auth_secret,
    )


def sessions_blueprint(context: ServiceContext) -> Blueprint:
    """The login routes."""
    config: RegistrationConfig = context.config
    logins = logins_of(context)
    blp = answering_errors(
        Blueprint("sessions", __name__, url_prefix="/sessions", description="Logins")
    )
    limited = login_limit(blp, context.settings, config.login_rate_limit)

    @blp.route("/codes")
    class Codes(MethodView):
        decorators = (limited,)

        @never_stored
        @blp.arguments(CodeRequestSchema)
        @blp.response(202, CodeSentSchema)
        @blp.alt_response(429, description="A code was sent to this phone less than 60 s ago")
        @blp.alt_response(503, description="The code could not be sent; nothing was stored")
        @blp.doc(security=[])
        def post(self, data: dict[str, Any]) -> dict[str, str]:
            """Ask for a one-time code by SMS (the same answer whether the phone is known)."""
            try:
                logins.request_code(data["phone"], data["audience"])
            except TooSoon as error:
                abort(429, message=str(error), headers={"Retry-After": str(error.retry_after)})
            except CommandNotSent:
                abort(503, message="the code could not be sent just now; try again shortly")
            return {"message": CODE_SENT}

    @blp.route("")
    class Sessions(MethodView):
        decorators = (limited,)

        @never_stored
        @blp.arguments(SessionRequestSchema)
        @blp.response(201, TokenPairSchema)
        @blp.alt_response(401, description="Wrong, used or expired code")
        @blp.doc(security=[])
        def post(self, data: dict[str, Any]) -> dict[str, Any]:
            """Log in with the code: an access token (≤ 1 h) and a refresh token."""
            try:
                pair = logins.log_in(data["phone"], data["code"], data["audience"])
            except LoginRefused:
                abort(401, message=REFUSED)
            return pair.answer()

    @blp.route("/refresh")
    class Refresh(MethodView):
        decorators = (limited,)

        @never_stored
        @blp.arguments(RefreshSchema)
        @blp.response(201, TokenPairSchema)
        @blp.alt_response(401, description="Unknown, spent, revoked or expired refresh token")
        @blp.doc(security=[])
        def post(self, data: dict[str, Any]) -> dict[str, Any]:
            """A new pair for a refresh token, which is spent (presented again, it ends the
            whole login)."""
            try:
                return logins.refresh(data["refresh_token"]).answer()
            except LoginRefused:
                abort(401, message=REFRESH_REFUSED)

    @blp.route("/current")
    class Current(MethodView):
        decorators = (limited,)

        @blp.response(204)
        @blp.alt_response(401, description="No valid token")
        @blp.doc(security=[{"bearerAuth": []}])
        def delete(self) -> Response:
            """Log out: the refresh tokens of this login stop working."""
            try:
                principal = principal_from_request()
            except TokenError as error:
                abort(401, message=str(error), headers=CHALLENGE)
            if principal.sid:
                logins.log_out(principal.sid)
            return Response(status=204)

    return blp
