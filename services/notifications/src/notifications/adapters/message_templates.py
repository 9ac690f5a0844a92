"""Writing messages from the Jinja2 templates in notifications/templates/<language>/.

Each template has a `subject` and a `body` block. Values are plain text (e-mail and logs), so
nothing is HTML-escaped; a value the template names but the message lacks is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from notifications.domain.messages import LANGUAGES, Message, RenderedMessage

ROLE_NAMES = {
    "zh": {"member": "队员", "leader": "队长"},
    "en": {"member": "member", "leader": "leader"},
}


class MessageComposer:
    """Renders messages in `language` (zh by default; en available)."""

    def __init__(self, language: str = "zh") -> None:
        if language not in LANGUAGES:
            raise ValueError(f"no templates for language {language!r}")
        self.language = language
        self.environment = Environment(
            loader=PackageLoader("notifications", "templates"),
            autoescape=False,
            undefined=StrictUndefined,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.filters["role"] = lambda role: ROLE_NAMES[self.language].get(role, role)

    def render(self, message: Message, recipient_name: str | None) -> RenderedMessage:
        """The message written for a recipient (a generic salutation when the name is unknown)."""
        template = self.environment.get_template(f"{self.language}/{message.template}.j2")
        values: Mapping[str, Any] = {**message.values, "name": recipient_name}
        context = template.new_context(dict(values))
        subject = "".join(template.blocks["subject"](context)).strip()
        body = "".join(template.blocks["body"](context)).strip() + "\n"
        return RenderedMessage(self.language, subject, body)
