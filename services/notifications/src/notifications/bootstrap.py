"""Wiring: the real adapters handed to the handlers, worker components and blueprints."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from association.events import Envelope
from association.messaging.handlers import Handler
from association.messaging.topology import Topology
from association.messaging.worker import Runnable
from association.service import ServiceContext
from notifications.adapters.channels import Channel, EmailChannel, LogChannel
from notifications.adapters.message_templates import MessageComposer
from notifications.adapters.public_log import PublicEventLog
from notifications.adapters.public_stream import PublicStreamRelay
from notifications.adapters.smtp import Mailer, SmtpServer
from notifications.adapters.webhook_client import WebhookClient
from notifications.config import NotificationSettings
from notifications.domain.milestones import StarLevels
from notifications.domain.retries import RetryPolicy
from notifications.integration import PRODUCERS
from notifications.service_layer import team_events, volunteer_events
from notifications.service_layer.message_dispatch import MessageDispatcher
from notifications.service_layer.notifier import Notifier
from notifications.service_layer.republishing import republish
from notifications.service_layer.webhook_dispatch import WebhookDispatcher

Projection = Callable[[Session, Envelope], None]


def channels(context: ServiceContext) -> list[Channel]:
    """The outward channels: the log always, e-mail when `SMTP_URL` is set."""
    found: list[Channel] = [LogChannel()]
    if context.settings.smtp_url:
        found.append(EmailChannel(Mailer(SmtpServer.from_url(context.settings.smtp_url))))
    return found


def _applying(projection: Projection | None, public_log: PublicEventLog) -> Handler:
    def handle(session: Session, event: Envelope) -> None:
        if projection is not None:
            projection(session, event)
        republish(session, event, public_log=public_log)

    return handle


def handlers(context: ServiceContext) -> Mapping[str, Handler]:
    """A handler per consumed routing key: its projection, then republication for partners."""
    config = NotificationSettings.from_env()
    public_log = PublicEventLog()
    notifier = Notifier(
        MessageComposer(config.language), [channel.name for channel in channels(context)]
    )
    projections: dict[str, Projection] = {
        "VolunteerRegistered": partial(volunteer_events.volunteer_registered, notifier=notifier),
        "VolunteerProfileUpdated": volunteer_events.volunteer_profile_updated,
        "VolunteerWithdrawn": partial(volunteer_events.volunteer_withdrawn, public_log=public_log),
        "TeamCreated": team_events.team_created,
        "TeamAssigned": partial(team_events.team_assigned, notifier=notifier),
        "ActivityCompleted": partial(
            team_events.activity_completed,
            notifier=notifier,
            star_levels=StarLevels(config.star_thresholds),
        ),
    }
    return {
        f"{producer}.{event_type}": _applying(projections.get(event_type), public_log)
        for producer, event_types in PRODUCERS.items()
        for event_type in event_types
    }


def worker_components(context: ServiceContext) -> Sequence[Runnable]:
    """The public stream relay, the message dispatcher and the webhook dispatcher."""
    config = NotificationSettings.from_env()
    settings = context.settings
    topology = Topology(settings.service, settings.amqp_prefix, settings.max_delivery_attempts)
    public_log = PublicEventLog()
    policy = RetryPolicy(config.retry_base, config.retry_ceiling)
    client = WebhookClient(config.webhook_timeout, settings.webhook_allow_loopback)
    return [
        PublicStreamRelay(
            context.database, public_log, settings.amqp_url, topology, config.public_stream_max_age
        ),
        MessageDispatcher(
            context.database,
            channels(context),
            policy,
            config.email_max_attempts,
            poll_interval=config.poll_interval,
        ),
        WebhookDispatcher(
            context.database,
            context.store,
            public_log,
            client,
            policy,
            config.webhook_pause_after,
            poll_interval=config.poll_interval,
        ),
    ]


def health_checks(context: ServiceContext) -> dict[str, Callable[[], dict[str, Any]]]:
    """`GET /health` also tells how many redacted events wait for the public exchange."""
    public_log = PublicEventLog()

    def public_outbox() -> dict[str, Any]:
        with context.database.reader() as session:
            return {"ok": True, "backlog": public_log.backlog(session)}

    return {"public_outbox": public_outbox}
