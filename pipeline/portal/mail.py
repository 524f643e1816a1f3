"""Outgoing e-mail as an interface: a message is handed to a :class:`Mailer`; for development and tests the
file backend writes each message as a ``.eml`` file and the log backend logs it (no SMTP server needed)."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

LOG = logging.getLogger("pipeline.portal.mail")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    def send(self, mail: Mail) -> None: ...


class FileMailer:
    """Each message as ``<folder>/<uuid>.eml``."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def send(self, mail: Mail) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        message = EmailMessage()
        message["To"], message["From"], message["Subject"] = mail.to, "portail-dsn@localhost", mail.subject
        message.set_content(mail.body)
        (self.folder / f"{uuid.uuid4()}.eml").write_bytes(bytes(message))


class LogMailer:
    """Each message logged (the recipient and subject at INFO, the body at DEBUG)."""

    def send(self, mail: Mail) -> None:
        LOG.info("courriel à %s : %s", mail.to, mail.subject)
        LOG.debug("%s", mail.body)
