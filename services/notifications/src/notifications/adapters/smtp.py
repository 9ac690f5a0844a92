"""E-mail through SMTP, configured by one URL.

`SMTP_URL` is `smtp://[user:password@]host[:port][?from=address&starttls=true]`, or `smtps://...`
for TLS from the first byte (port 465 by default). The sender defaults to
`noreply@<host>`; set `from` to what the mail server accepts.
"""

from __future__ import annotations

import re
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
    """Sends plain-text UTF-8 e-mail, one SMTP session per message, with a timeout.

    Its errors never name the recipient: servers often quote the address in their answers, and
    the errors are logged and stored with the delivery.
    """

    class Refused(Exception):
        """The server refused the message permanently (a 5xx answer)."""

    class Failed(Exception):
        """The server failed the message this time (any other SMTP error)."""

    def __init__(self, server: SmtpServer, timeout: float = 10.0) -> None:
        self.server = server
        self.timeout = timeout

    def send(self, to: str, name: str | None, subject: str, body: str) -> None:
        """Send one message; Mailer.Refused on a 5xx answer, Mailer.Failed or OSError else."""
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
        except smtplib.SMTPRecipientsRefused as error:
            codes = ", ".join(sorted({str(code) for code, _ in error.recipients.values()}))
            raise _failure(_permanent(error), f"recipient refused ({codes})") from None
        except smtplib.SMTPResponseException as error:
            answer = error.smtp_error
            text = answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)
            refused = 500 <= error.smtp_code < 600
            raise _failure(refused, f"{error.smtp_code} {_without(text, to, name)}") from None
        except smtplib.SMTPException as error:
            raise Mailer.Failed(_without(str(error), to, name)) from None

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


def _permanent(error: smtplib.SMTPRecipientsRefused) -> bool:
    return all(500 <= code < 600 for code, _ in error.recipients.values())


def _failure(permanent: bool, text: str) -> Exception:
    return Mailer.Refused(text) if permanent else Mailer.Failed(text)


def _without(text: str, *personal: str | None) -> str:
    """`text` with each of the recipient's `personal` values (address, name) left out."""
    for value in personal:
        if value:
            text = re.sub(re.escape(value), "<recipient>", text, flags=re.IGNORECASE)
    return text
