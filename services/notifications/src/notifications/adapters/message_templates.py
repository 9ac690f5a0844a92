"""Writing messages from the Jinja2 templates in notifications/templates/<language>/.

Each template has a `subject` and a `body` block. Values are plain text (e-mail and logs), so
nothing is HTML-escaped; a value the template names but the message lacks is an error. A subject
longer than the stored one may be (an activity's title is up to 200 characters) is cut, ending
with `…`; the body says it all.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from notifications.domain.messages import LANGUAGES, SUBJECT_MAX_LENGTH, Message, RenderedMessage

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
        self._templates: dict[str, Template] = {}

    def render(self, message: Message, recipient_name: str | None) -> RenderedMessage:
        """The message written for a recipient (a generic salutation when the name is unknown)."""
        template = self._template(message.template)
        context = template.new_context({**message.values, "name": recipient_name})
        subject = "".join(template.blocks["subject"](context)).strip()
        if len(subject) > SUBJECT_MAX_LENGTH:
            subject = subject[: SUBJECT_MAX_LENGTH - 1] + "…"
        body = "".join(template.blocks["body"](context)).strip() + "\n"
        return RenderedMessage(self.language, subject, body)

    def _template(self, name: str) -> Template:
        """The compiled template, loaded once: the templates ship with the code and never change
        while it runs, so Jinja2's check of the file on every use is only a cost."""
        template = self._templates.get(name)
        if template is None:
            template = self.environment.get_template(f"{self.language}/{name}.j2")
            self._templates[name] = template
        return template
