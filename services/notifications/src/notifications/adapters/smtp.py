"""E-mail through SMTP, configured by one URL.

`SMTP_URL` is `smtp://[user:password@]host[:port][?from=address&starttls=true]`, or `smtps://...`
for TLS from the first byte (port 465 by default). The sender defaults to
`noreply@<host>`; set `from` to what the mail server accepts.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand over e-mail."""

    host: str
    port: int
    use_tls: bool
    starttls: bool
    username: str | None
    password: str | None
    sender: str

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """Parse `SMTP_URL`; raises ValueError when it is not an smtp(s) URL with a host."""
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://host:port or smtps://host:port")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return cls(
            host=parts.hostname,
            port=parts.port or DEFAULT_PORTS[parts.scheme],
            use_tls=parts.scheme == "smtps",
            starttls=query.get("starttls", "").lower() in {"1", "true", "yes"},
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            sender=query.get("from") or f"noreply@{parts.hostname}",
        )


class Mailer:
    """Sends plain-text UTF-8 e-mail, one SMTP session per message, with a timeout."""

    class Refused(Exception):
        """The server refused the message permanently (a 5xx answer)."""

    def __init__(self, server: SmtpServer, timeout: float = 10.0) -> None:
        self.server = server
        self.timeout = timeout

    def send(self, to: str, name: str | None, subject: str, body: str) -> None:
        """Send one message; raises Mailer.Refused on a 5xx answer, OSError/SMTPException else."""
        message = EmailMessage()
        message["From"] = self.server.sender
        message["To"] = formataddr((name, to)) if name else to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=self.server.sender.rpartition("@")[2] or None)
        message.set_content(body, charset="utf-8")
        try:
            with self._connect() as client:
                if self.server.username:
                    client.login(self.server.username, self.server.password or "")
                client.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
            if _permanent(error):
                raise Mailer.Refused(str(error)) from error
            raise
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                raise Mailer.Refused(f"{error.smtp_code} {error.smtp_error!r}") from error
            raise

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        if server.use_tls:
            return smtplib.SMTP_SSL(
                server.host, server.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        client = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
        if server.starttls:
            try:
                client.starttls(context=ssl.create_default_context())
            except BaseException:
                client.close()
                raise
        return client


def _permanent(error: smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused) -> bool:
    if isinstance(error, smtplib.SMTPSenderRefused):
        return 500 <= error.smtp_code < 600
    return all(500 <= code < 600 for code, _ in error.recipients.values())
