"""A volunteer's journey through the real processes, driven only over HTTP and AMQP.

Sign-up → the volunteer appears in teams → assignment → activity → completion → hours and star
level in teams → notifications → a correction and a certificate → an open activity applied for
with the volunteer's own token, a check-in with the code shown on site, a roll-call check-out, the
activity called off and the applicant told → the redacted public stream and a partner's webhook.
The same journey runs on the compose stack in tests/e2e/test_compose_stack.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.journey import walk_the_journey
from support.stack import running_stack
from support.webhook_receiver import WebhookReceiver


@pytest.mark.slow
def test_a_volunteer_signs_up_serves_and_is_thanked(
    tmp_path: Path, amqp_url: str, amqp_prefix: str
) -> None:
    with (
        running_stack(
            tmp_path, amqp_url, amqp_prefix, STAR_THRESHOLDS="2,300,600,1000,1500"
        ) as stack,
        WebhookReceiver() as partner_endpoint,
    ):
        walk_the_journey(
            stack.urls,
            stack.token,
            amqp_url,
            amqp_prefix + "association.public.stream",
            partner_endpoint,
        )
