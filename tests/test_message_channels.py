"""The e-mail and SMS channels against real servers on loopback: aiosmtpd and a stand-in gateway."""

from __future__ import annotations

import base64
import re
import time
from datetime import timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import pytest

from headoffice import clock
from headoffice.messages import email as email_channel
from headoffice.messages.email import EmailSender, loopback, message_id, smtp_server
from headoffice.messages.outgoing import Answer, ChannelDown, Delivery, Outgoing, Sender
from headoffice.messages.sms import SmsGateway, idempotency_key
from tests.helpers import free_port
from tests.sms_gateway import StandInGateway, sms_gateway_fixture  # noqa: F401  (sms_gateway)
from tests.smtp_server import mail_server_fixture  # noqa: F401  (mail_server)

# The clear-text logins are the point of two tests (on loopback).
CLEAR_LOGIN = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
# Short, so that a fault costs the run a fraction of a second.
TIMEOUT = 0.5
DANISH = "Kære Søren Ærø,\nhusk afdraget på 450,00 kr. i morgen. Blåbærgrød og øl."
CHINESE = "尊敬的王先生：\n明天是您的还款日，金额为 450.00 元。"


def outgoing(
    to: str = "soren@example.dk", key: str = "reminder:acc-1:2026-11-24", **more
) -> Outgoing:
    fields = {
        "key": key,
        "to": to,
        "name": "Søren Ærø",
        "subject": "Påmindelse: afdrag i morgen / 还款提醒",
        "text": f"{DANISH}\n\n{CHINESE}",
        "language": "da",
    }
    return Outgoing(**(fields | more))


def sent(channel: Sender, *messages: Outgoing) -> list[Delivery]:
    """Each message sent in turn on one channel, which is closed after."""
    try:
        return [channel.send(message) for message in messages]
    finally:
        channel.close()


def sender(url: str, **options) -> EmailSender:
    options.setdefault("timeout", TIMEOUT)
    return EmailSender(url, "inkasso@lender.example.dk", "Lånekassen Nord", **options)


# --- e-mail -------------------------------------------------------------------------------


def test_a_mail_reaches_the_server_with_its_headers_and_a_utf8_body(mail_server) -> None:
    server = mail_server()
    [delivery] = sent(sender(server.url()), outgoing())
    assert delivery.answer is Answer.SENT, delivery.detail
    [got] = server.received
    assert got.mail_from == "inkasso@lender.example.dk"
    assert got.rcpt_tos == ["soren@example.dk"]
    message = got.message
    assert message["From"] == "Lånekassen Nord <inkasso@lender.example.dk>"
    assert message["To"] == "Søren Ærø <soren@example.dk>"
    assert message["Subject"] == "Påmindelse: afdrag i morgen / 还款提醒"
    assert message["Content-Language"] == "da"
    assert message["X-Fieldapp-Key"] == "reminder:acc-1:2026-11-24"
    assert message["List-Unsubscribe"] == "<mailto:inkasso@lender.example.dk?subject=unsubscribe>"
    expected_id = message_id("reminder:acc-1:2026-11-24", "inkasso@lender.example.dk")
    assert message["Message-ID"] == expected_id == delivery.provider_ref
    assert re.fullmatch(r"<[0-9a-f]{32}@lender\.example\.dk>", expected_id)
    sent_at = parsedate_to_datetime(message["Date"])
    assert sent_at.tzinfo is not None
    assert abs(sent_at - clock.now()) < timedelta(minutes=5)  # head office's day, if pinned
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content().replace("\r\n", "\n").rstrip("\n") == f"{DANISH}\n\n{CHINESE}"
    # 7-bit on the wire: no server needs 8BITMIME to carry it.
    assert message["Content-Transfer-Encoding"] in ("base64", "quoted-printable")


def test_a_resend_carries_the_same_message_id_and_one_connection_serves_the_run(
    mail_server,
) -> None:
    server = mail_server()
    other = outgoing(key="reminder:acc-2:2026-11-24", to="wang@example.cn")
    first, again, other = sent(sender(server.url()), outgoing(), outgoing(), other)
    assert [d.answer for d in (first, again, other)] == [Answer.SENT] * 3
    assert first.provider_ref == again.provider_ref != other.provider_ref
    assert len({got.peer for got in server.received}) == 1


@pytest.mark.parametrize(
    ("tls", "ca_from"),
    [("starttls", "argument"), ("starttls", "environment"), ("implicit_tls", "argument")],
)
def test_tls_is_used_when_offered_or_asked_for(mail_server, monkeypatch, tls, ca_from) -> None:
    server = mail_server(**{tls: True})
    cafile = str(server.ca_file)
    if ca_from == "environment":
        monkeypatch.setenv("HEADOFFICE_SMTP_CA_FILE", cafile)
    mail = sender(server.url(), cafile=cafile if ca_from == "argument" else None)
    [delivery] = sent(mail, outgoing())
    assert delivery.answer is Answer.SENT, delivery.detail
    assert server.received[0].tls


def test_an_untrusted_certificate_is_a_channel_down_that_names_the_setting(mail_server) -> None:
    server = mail_server(starttls=True)
    with pytest.raises(ChannelDown, match="HEADOFFICE_SMTP_CA_FILE"):
        sender(server.url()).send(outgoing())
    assert server.received == []


@pytest.mark.parametrize("password", ["p@ss:word/1", "blåbær:grød@1"])
def test_login_after_starttls_with_a_percent_encoded_password(mail_server, password) -> None:
    server = mail_server(starttls=True, login=("collector", password))
    url = server.url("collector", quote(password, safe=""))
    [delivery] = sent(sender(url, cafile=str(server.ca_file)), outgoing())
    assert delivery.answer is Answer.SENT, delivery.detail
    assert server.received[0].login == "collector"
    assert server.received[0].tls


@pytest.mark.parametrize(
    ("login", "says"),
    [(("collector", "wrong"), "refused the login of collector"), ((None, None), "refuses mail")],
)
def test_a_login_refused_or_lacking_is_a_channel_down(mail_server, login, says) -> None:
    server = mail_server(starttls=True, login=("collector", "right"))
    with pytest.raises(ChannelDown, match=says):
        sender(server.url(*login), cafile=str(server.ca_file)).send(outgoing())
    assert server.received == []


@CLEAR_LOGIN
def test_a_server_on_this_machine_may_take_a_login_without_tls(mail_server) -> None:
    server = mail_server(login=("collector", "secret"), login_in_clear=True)
    [delivery] = sent(sender(server.url("collector", "secret")), outgoing())
    assert delivery.answer is Answer.SENT
    assert server.received[0].login == "collector"
    assert not server.received[0].tls


@CLEAR_LOGIN
def test_no_password_goes_in_clear_to_a_server_elsewhere(mail_server, monkeypatch) -> None:
    # The server is on loopback, as every test server is; the sender is told it is not.
    server = mail_server(login=("collector", "secret"), login_in_clear=True)
    monkeypatch.setattr(email_channel, "loopback", lambda host: False)
    with pytest.raises(ChannelDown, match="in clear"):
        sender(server.url("collector", "secret")).send(outgoing())
    assert server.auth_attempts == 0
    assert server.received == []


def test_loopback_is_judged_by_the_name_as_written() -> None:
    assert all(map(loopback, ["localhost", "127.0.0.1", "127.3.2.1", "::1", "[::1]"]))
    assert not any(map(loopback, ["mail.example.com", "10.0.0.25", "localhost.example.com"]))


@pytest.mark.parametrize(
    ("reply", "answer"),
    [
        ("550 5.1.1 <gone@example.dk>: Recipient address rejected", Answer.FAILED),
        ("451 4.3.0 Try again later", Answer.RETRY),
    ],
)
def test_a_refused_mailbox_fails_on_5xx_retries_on_4xx(mail_server, reply, answer) -> None:
    server = mail_server()
    server.refuse("gone@example.dk", reply)
    next_one = outgoing(key="reminder:acc-2:2026-11-24")
    refused, after = sent(sender(server.url()), outgoing(to="gone@example.dk"), next_one)
    assert (refused.answer, refused.provider_ref) == (answer, None)
    assert reply in refused.detail  # the server's own words
    # The refusal was cleared with RSET: the same connection took the next message.
    assert after.answer is Answer.SENT
    assert [got.rcpt_tos for got in server.received] == [["soren@example.dk"]]


def test_a_server_that_is_down_is_a_channel_down() -> None:
    with pytest.raises(ChannelDown, match=r"cannot reach the mail server at 127\.0\.0\.1"):
        sent(sender(f"smtp://127.0.0.1:{free_port()}"), outgoing())


def test_a_disconnect_mid_message_is_a_retry_and_the_next_message_reconnects(
    mail_server,
) -> None:
    server = mail_server()
    server.drop_at_data.add("flaky@example.dk")
    dropped, after = sent(sender(server.url()), outgoing(to="flaky@example.dk"), outgoing())
    assert dropped.answer is Answer.RETRY
    assert "DATA" in dropped.detail
    assert after.answer is Answer.SENT
    assert [got.rcpt_tos for got in server.received] == [["soren@example.dk"]]


def test_a_connection_the_server_closed_while_idle_is_opened_again_once(mail_server) -> None:
    server = mail_server(idle=0.2)
    mail = sender(server.url())
    first = mail.send(outgoing())
    time.sleep(0.5)  # the server says 421 and hangs up meanwhile
    [second] = sent(mail, outgoing(key="reminder:acc-2:2026-11-24"))
    assert (first.answer, second.answer) == (Answer.SENT, Answer.SENT), second.detail
    assert len({got.peer for got in server.received}) == 2


def test_an_address_that_is_not_one_fails_without_reaching_the_server(mail_server) -> None:
    server = mail_server()
    [delivery] = sent(sender(server.url()), outgoing(to="not an address"))
    assert delivery.answer is Answer.FAILED
    assert "not an e-mail address" in delivery.detail
    assert server.received == []


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://mail.example.com", "must start with smtp://"),
        ("mail.example.com:25", "must start with smtp://"),
        ("smtp://", "names no host"),
        ("smtp://mail.example.com:99999", "cannot be read"),
        ("smtp://mail.example.com:port", "cannot be read"),
        ("smtp://user@mail.example.com", "no password"),
        ("smtp://mail.example.com/inbox", "after the host and port"),
    ],
)
def test_a_malformed_url_is_a_value_error_with_a_sentence(url: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        sender(url)


def test_the_url_gives_defaults_and_decodes_the_login() -> None:
    plain = smtp_server("smtp://mail.example.com")
    assert (plain.implicit_tls, plain.port, plain.user, plain.password) == (False, 25, None, None)
    secure = smtp_server("smtps://me%40lender.dk:p%3Ass@mail.example.com")
    assert (secure.implicit_tls, secure.port) == (True, 465)
    assert (secure.user, secure.password) == ("me@lender.dk", "p:ss")
    assert "p:ss" not in secure.where


# --- SMS ----------------------------------------------------------------------------------


def gateway_for(gateway: StandInGateway, **options) -> SmsGateway:
    options.setdefault("timeout", TIMEOUT)
    return SmsGateway(gateway.url, **options)


def test_an_sms_goes_as_the_default_body_with_its_idempotency_key(sms_gateway) -> None:
    [delivery] = sent(gateway_for(sms_gateway), outgoing(to="+4512345678"))
    assert delivery.answer is Answer.SENT, delivery.detail
    assert delivery.provider_ref == "msg-000001"
    [request] = sms_gateway.requests
    assert request.path == "/v1/messages"
    assert request.headers["idempotency-key"] == "reminder:acc-1:2026-11-24"
    assert request.headers["content-type"] == "application/json"
    assert request.json == {
        "to": "+4512345678",
        "text": f"{DANISH}\n\n{CHINESE}",
        "reference": "reminder:acc-1:2026-11-24",
    }
    assert [d.number for d in sms_gateway.delivered] == ["+4512345678"]
    assert idempotency_key("reminder:ø-1:2026\n") == "reminder:%C3%B8-1:2026%0A"


def test_a_body_template_fills_nested_values_and_leaves_the_text_as_written(sms_gateway) -> None:
    sms_gateway.number_of = lambda body: body["messages"][0]["destination"]["msisdn"]
    sms_gateway.id_field = "message_id"
    template = (
        '{"messages": [{"destination": {"msisdn": "{to}"}, "content": "{text}",'
        ' "from": "{sender}", "lang": "{language}", "ref": "ref-{key}", "flash": false}],'
        ' "{to}": "keys are not filled", "literal": "a { brace"}'
    )
    sms = gateway_for(sms_gateway, body=template, sender="Laanekassen")
    text = 'Pay {key} "now" \\ {{text}} {unknown} 还款'
    [delivery] = sent(sms, outgoing(to="+4512345678", text=text, language="da"))
    assert delivery.answer is Answer.SENT, delivery.detail
    assert delivery.provider_ref == "msg-000001"
    assert sms_gateway.requests[0].json == {
        "messages": [
            {
                "destination": {"msisdn": "+4512345678"},
                "content": text,
                "from": "Laanekassen",
                "lang": "da",
                "ref": "ref-reminder:acc-1:2026-11-24",
                "flash": False,
            }
        ],
        "{to}": "keys are not filled",
        "literal": "a { brace",
    }


@pytest.mark.parametrize("repeat_status", [409, 200])
def test_a_repeat_of_a_key_is_sent_but_delivered_once(sms_gateway, repeat_status: int) -> None:
    sms_gateway.repeat_status = repeat_status
    first, again = sent(gateway_for(sms_gateway), *[outgoing(to="+4512345678")] * 2)
    assert (first.answer, again.answer) == (Answer.SENT, Answer.SENT)
    assert first.provider_ref == again.provider_ref == "msg-000001"
    assert len(sms_gateway.requests) == 2
    assert len(sms_gateway.delivered) == 1


@pytest.mark.parametrize("status", [503, 408, 425, 429, 500, 502])
def test_answers_that_say_not_now_are_retries_and_the_retry_is_delivered(
    sms_gateway, status: int
) -> None:
    sms_gateway.fail_first("+4512345678", 1, status=status)
    failed, retried = sent(gateway_for(sms_gateway), *[outgoing(to="+4512345678")] * 2)
    assert failed.answer is Answer.RETRY
    assert str(status) in failed.detail
    assert retried.answer is Answer.SENT
    assert len(sms_gateway.delivered) == 1


def test_a_slow_answer_is_a_retry_and_the_retry_with_its_key_is_delivered_once(
    sms_gateway,
) -> None:
    sms_gateway.slow("+4512345678", seconds=TIMEOUT * 3)
    sms = gateway_for(sms_gateway)
    started = time.monotonic()
    timed_out = sms.send(outgoing(to="+4512345678"))
    waited = time.monotonic() - started
    [retried] = sent(sms, outgoing(to="+4512345678"))
    assert timed_out.answer is Answer.RETRY
    assert "same key" in timed_out.detail
    assert waited < TIMEOUT * 2.5
    assert retried.answer is Answer.SENT
    assert retried.provider_ref == "msg-000001"
    keys = [request.headers["idempotency-key"] for request in sms_gateway.requests]
    assert keys == ["reminder:acc-1:2026-11-24"] * 2
    assert len(sms_gateway.delivered) == 1


def test_a_rejected_number_fails_with_the_gateways_words(sms_gateway) -> None:
    sms_gateway.reject("+4500000000", "The number +4500000000 is not a mobile number")
    [delivery] = sent(gateway_for(sms_gateway), outgoing(to="+4500000000"))
    assert delivery.answer is Answer.FAILED
    assert delivery.detail == "The number +4500000000 is not a mobile number"
    assert sms_gateway.delivered == []


def test_a_gateway_that_is_down_is_a_channel_down() -> None:
    sms = SmsGateway(f"http://127.0.0.1:{free_port()}/v1/messages", timeout=TIMEOUT)
    with pytest.raises(ChannelDown, match="cannot reach the SMS gateway"):
        sent(sms, outgoing(to="+4512345678"))


def test_a_bearer_token_is_sent_and_a_wrong_one_is_a_channel_down(sms_gateway) -> None:
    sms_gateway.token = "s3cret"
    [right] = sent(gateway_for(sms_gateway, token="s3cret"), outgoing(to="+4512345678"))
    assert right.answer is Answer.SENT
    with pytest.raises(ChannelDown, match="refuses our credentials"):
        sent(gateway_for(sms_gateway, token="guess"), outgoing(to="+4512345678", key="k2"))
    assert len(sms_gateway.delivered) == 1


def test_without_a_token_the_urls_login_is_basic_auth_and_leaves_the_url(sms_gateway) -> None:
    url = sms_gateway.url.replace("http://", "http://lender:p%40ss@")
    sms = SmsGateway(url, timeout=TIMEOUT)
    assert sent(sms, outgoing(to="+4512345678"))[0].answer is Answer.SENT
    expected = base64.b64encode(b"lender:p@ss").decode()
    assert sms_gateway.requests[0].headers["authorization"] == f"Basic {expected}"
    assert "p%40ss" not in sms.where and "lender" not in sms.where


def test_a_bad_url_or_a_token_in_clear_to_a_gateway_elsewhere_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="in clear"):
        SmsGateway("http://sms.example.com/v1/messages", token="s3cret")
    with pytest.raises(ValueError, match="in clear"):
        SmsGateway("http://user:pass@sms.example.com/v1/messages")
    with pytest.raises(ValueError, match="must be http"):
        SmsGateway("ftp://sms.example.com/")
    SmsGateway("https://sms.example.com/v1/messages", token="s3cret").close()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('{"to": "{to}", "text": "{text}"', "not JSON"),
        ('["{to}", "{text}"]', "must be a JSON object"),
        ('{"to": "{to}", "text": "{txt}"}', r"names \{txt\}"),
        ('{"to": "{to}", "text": "{text}", "from": "{sender}"}', "no sender is set"),
        ('{"to": "{to}"}', r"must hold \{to\} and \{text\}"),
    ],
)
def test_a_bad_template_is_a_value_error_with_a_sentence(body: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        SmsGateway("https://sms.example.com/v1/messages", body=body)
