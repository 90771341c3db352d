"""The served portal's mails: the link token or new password a mail carries is what the
harness's sink reads back; a mail that carries none (a notice) gives "", no mail None."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from skc.conformance.adapters.mailsink import MailSink
from skc.model.sim.outbox import Mail, MailKind
from skc.service.mail import message_of, parse_address

SENT = datetime(2024, 3, 4, tzinfo=UTC)


def _over_the_wire(mail: Mail) -> EmailMessage:
    raw = message_of("p-1", mail, "http://127.0.0.1:8080").as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@pytest.mark.parametrize(
    ("kind", "token"),
    [("activation", "token-1-799b6e2787231f9e"), ("new_password", "Np00001Xq"),
     ("password_reset_link", "token-9-00ff"), ("user_deleted", None), ("new_answer", None)],
)  # fmt: skip
def test_sink_reads_back_the_token_a_mail_carries_when_it_arrives(
    kind: MailKind, token: str | None
) -> None:
    sink = MailSink()
    sink.keep(_over_the_wire(Mail("Anna@Example.org", kind, SENT, token)))
    assert sink.token("anna@example.org", kind) == (token or "")
    assert sink.token("anna@example.org", "email_change_info") is None
    assert sink.received == 1


def test_newest_mail_of_a_kind_wins_when_two_arrive() -> None:
    sink = MailSink()
    for token in ("token-1-aa", "token-2-bb"):
        sink.keep(_over_the_wire(Mail("a@b.de", "activation", SENT, token)))
    assert sink.token("a@b.de", "activation") == "token-2-bb"


@pytest.mark.parametrize("value", ["nohost", "host:", ":25", "h:99999", "h:x"])
def test_smtp_address_without_host_and_port_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="HOST:PORT"):
        parse_address(value)
