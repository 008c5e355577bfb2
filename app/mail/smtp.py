"""Send one message through the configured SMTP server (aiosmtplib)."""

import logging
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr

import aiosmtplib

from app.config import Settings

log = logging.getLogger("app.mail")

DEFAULT_PORTS = {"tls": 465, "starttls": 587, "none": 25}
# The default policy would fold a long List-Unsubscribe URL into RFC 2047 encoded words,
# which mail clients do not decode in that header; RFC 5322 allows 998 characters a line.
POLICY = policy.SMTP.clone(max_line_length=998)


class MailError(Exception):
    """The SMTP server could not be reached, or refused the message. `permanent`: the
    server refused every recipient for good (5xx), so sending again cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def _permanent(exc: Exception) -> bool:
    # Only a bad address is the message's own fault; a refused login or sender (5xx too)
    # is the server's setup, which an admin fixes while the mail waits.
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(r.code >= 500 for r in exc.recipients)
    return False


def build(
    *,
    settings: Settings,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """An RFC 5322 message: plain text, with an HTML alternative when given."""
    message = EmailMessage(policy=POLICY)
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    # A stable id lets the receiving side drop the duplicate of a retried send.
    message["Message-ID"] = message_id or make_msgid()
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


async def send(message: EmailMessage, settings: Settings) -> None:
    """Deliver `message` through SMTP_HOST, honouring SMTP_TLS; MailError when it fails."""
    security = settings.smtp_security
    try:
        await aiosmtplib.send(
            # Flattened here: aiosmtplib would apply its own policy, folding long headers.
            message.as_bytes(policy=POLICY),
            sender=parseaddr(str(message["From"]))[1],
            recipients=[address for _, address in getaddresses([str(message["To"])])],
            hostname=settings.smtp_host,
            port=settings.smtp_port or DEFAULT_PORTS[security],
            username=settings.smtp_user,
            password=settings.smtp_password,
            use_tls=security == "tls",
            start_tls=security == "starttls",
            timeout=settings.smtp_timeout,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}", permanent=_permanent(exc)) from exc
