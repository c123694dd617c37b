"""The channels a messages run sends by: options shared by `messages run` and `serve`."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy.engine import Engine


def channel_options(command: Callable) -> Callable:
    """Add --smtp-url, --smtp-from, --sms-url and --letters-dir, each also from its variable."""
    for option in reversed(
        (
            click.option(
                "--smtp-url",
                envvar="HEADOFFICE_SMTP_URL",
                metavar="URL",
                help="E-mail: smtp://USER:PASS@HOST:PORT (STARTTLS when offered) or "
                "smtps://... [env HEADOFFICE_SMTP_URL]",
            ),
            click.option(
                "--smtp-from",
                envvar="HEADOFFICE_SMTP_FROM",
                metavar="ADDRESS",
                help="The address e-mails come from, and where replies go "
                "[env HEADOFFICE_SMTP_FROM].",
            ),
            click.option(
                "--sms-url",
                envvar="HEADOFFICE_SMS_URL",
                metavar="URL",
                help="SMS: the gateway's URL, posted JSON [env HEADOFFICE_SMS_URL; "
                "HEADOFFICE_SMS_TOKEN, HEADOFFICE_SMS_BODY and HEADOFFICE_SMS_SENDER set its "
                "token, body and sender].",
            ),
            click.option(
                "--letters-dir",
                type=click.Path(path_type=Path, file_okay=False),
                envvar="HEADOFFICE_LETTERS_DIR",
                help="Print folder: each batch of letters as PDFs with a CSV of addresses "
                "[env HEADOFFICE_LETTERS_DIR].",
            ),
        )
    ):
        command = option(command)
    return command


def open_senders(
    engine: Engine, smtp_url: str | None, smtp_from: str | None, sms_url: str | None
) -> dict:
    """The senders for the channels given, each checked; a bad URL is a ClickException."""
    from fieldcore.messaging import MessageChannel
    from headoffice.messages.email import EmailSender
    from headoffice.messages.sms import SmsGateway
    from headoffice.work.settings import one

    senders = {}
    try:
        if smtp_url:
            if not smtp_from:
                raise click.UsageError("--smtp-url needs --smtp-from (or HEADOFFICE_SMTP_FROM)")
            name = one(engine, "lender.name").value or ""
            senders[MessageChannel.EMAIL] = EmailSender(smtp_url, smtp_from, name)
        if sms_url:
            senders[MessageChannel.SMS] = SmsGateway(
                sms_url,
                token=os.environ.get("HEADOFFICE_SMS_TOKEN") or None,
                body=os.environ.get("HEADOFFICE_SMS_BODY") or None,
                sender=os.environ.get("HEADOFFICE_SMS_SENDER") or None,
            )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    return senders
