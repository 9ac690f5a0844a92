"""The notifications worker's own components, run beside the shared consumer and relay.

The public stream relay (declares the stream, then publishes the public log), the message
dispatcher (log, e-mail and SMS), the webhook dispatcher, the login codes' SMS sender and the
scheduler of reminders, each wired to the real adapters.
"""

from __future__ import annotations

from collections.abc import Sequence

from association.messaging.commands import CommandTopology
from association.messaging.topology import Topology
from association.messaging.worker import Runnable
from association.service import ServiceContext
from notifications.adapters.channels import outward_channels
from notifications.adapters.login_codes import LoginCodeSender
from notifications.adapters.message_templates import MessageComposer
from notifications.adapters.public_log import PublicEventLog
from notifications.adapters.public_stream import PublicStreamRelay
from notifications.adapters.smtp import Mailer, SmtpServer
from notifications.adapters.webhook_client import WebhookClient
from notifications.config import NotificationSettings
from notifications.domain.retries import RetryPolicy
from notifications.service_layer.message_dispatch import MessageDispatcher
from notifications.service_layer.notifier import Notifier
from notifications.service_layer.reminders import ReminderScheduler
from notifications.service_layer.webhook_dispatch import WebhookDispatcher


def worker_components(context: ServiceContext) -> Sequence[Runnable]:
    """The public stream relay, the message dispatcher, the webhook dispatcher, the sender of
    login codes and the scheduler of reminders."""
    config: NotificationSettings = context.config
    settings = context.settings
    topology = Topology(settings.service, settings.amqp_prefix, settings.max_delivery_attempts)
    public_log = PublicEventLog()
    policy = RetryPolicy(config.retry_base, config.retry_ceiling)
    client = WebhookClient(config.webhook_timeout, settings.webhook_allow_loopback)
    channels = outward_channels(settings.smtp_url, config.sms_gateway)
    return [
        PublicStreamRelay(
            context.database, public_log, settings.amqp_url, topology, config.public_stream_max_age
        ),
        MessageDispatcher(
            context.database,
            channels,
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
        LoginCodeSender(
            settings.amqp_url,
            CommandTopology(settings.amqp_prefix),
            config.sms_gateway,
            MessageComposer(config.language),
            policy,
            database=context.database,
            mailer=Mailer(SmtpServer.from_url(settings.smtp_url)) if settings.smtp_url else None,
        ),
        ReminderScheduler(
            context.database,
            Notifier(MessageComposer(config.language), [c.name for c in channels]),
            poll_interval=config.poll_interval,
        ),
    ]
