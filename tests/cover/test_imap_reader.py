from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from imap_server import Mailbox, imap_server

from skc.conformance.adapters.http import HttpAdapter
from skc.conformance.adapters.imap import ImapReader
from skc.conformance.profile import Capability, Imap, load_profile, reference_profile
from skc.model.errors import AdapterError, InputError
from skc.model.sim.outbox import Mail
from skc.service.mail import message_of

SECRET = "imap-Secret-42"
ANNA = "qa-anna.k3x9@example.org"
SENT = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _mail(to: str, kind: str, token: str | None) -> Mail:
    return Mail(to=to, kind=kind, sent_at=SENT, token=token)  # type: ignore[arg-type]


def _deliver(box: Mailbox, to: str, kind: str, token: str | None) -> None:
    box.deliver(message_of("default", _mail(to, kind, token), "http://portal.test"))


class FakeTime:
    """A monotonic clock that moves only when the reader sleeps; ``on_sleep`` runs first."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.on_sleep: list[tuple[Mailbox, str, str, str]] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep:
            _deliver(*self.on_sleep.pop())


@pytest.fixture
def box() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox(user="qa", password=SECRET)
    with imap_server(mailbox) as port:
        yield mailbox, port


def _reader(port: int, time: FakeTime | None = None, **settings: object) -> ImapReader:
    given = {"host": "127.0.0.1", "port": port, "security": "none", "user": "qa", **settings}
    fake = time or FakeTime()
    return ImapReader(
        Imap.model_validate(given), SECRET, clock=fake.clock, sleep=fake.sleep, timeout_s=5
    )


def test_reader_takes_the_newest_token_of_the_kind_and_deletes_what_it_read_when_mail_is_there(
    box: tuple[Mailbox, int],
) -> None:
    mailbox, port = box
    _deliver(mailbox, ANNA, "activation", "first")
    _deliver(mailbox, ANNA, "password_reset_link", "reset")
    _deliver(mailbox, ANNA, "activation", "second")
    _deliver(mailbox, "max.k3x9@example.org", "activation", "other")
    reader = _reader(port)
    assert reader.token(ANNA, "activation") == "second"
    assert [raw for raw, _ in mailbox.mails] == [bytes(m) for m in [message_of(
        "default", _mail("max.k3x9@example.org", "activation", "other"), "http://portal.test"
    )]]  # fmt: skip
    assert reader.token(ANNA, "password_reset_link") == "reset"  # kept when it was read
    assert {"LOGIN", "SELECT", "SEARCH", "FETCH", "STORE", "EXPUNGE", "LOGOUT"} <= set(
        mailbox.commands
    )


def test_reader_polls_until_the_mail_arrives_when_it_comes_late(
    box: tuple[Mailbox, int],
) -> None:
    mailbox, port = box
    time = FakeTime()
    time.on_sleep.append((mailbox, ANNA, "activation", "late"))
    reader = _reader(port, time, poll_s=3)
    assert reader.token(ANNA, "activation") == "late"
    assert time.sleeps == [3]


def test_no_mail_before_the_deadline_is_an_adapter_error_when_nothing_comes(
    box: tuple[Mailbox, int],
) -> None:
    _, port = box
    time = FakeTime()
    reader = _reader(port, time, poll_s=4, deadline_s=10)
    with pytest.raises(AdapterError, match=r"no activation mail to .* within 10 s"):
        reader.token(ANNA, "activation")
    assert time.sleeps == [4, 4, 2]


def test_refused_login_is_an_adapter_error_without_the_password_when_it_is_wrong(
    box: tuple[Mailbox, int],
) -> None:
    _, port = box
    given = Imap(host="127.0.0.1", port=port, security="none", user="qa")
    reader = ImapReader(given, "not-" + SECRET, timeout_s=5)
    with pytest.raises(AdapterError, match="refused the login of qa") as caught:
        reader.token(ANNA, "activation")
    assert SECRET not in str(caught.value)


def test_unreachable_server_and_missing_folder_are_adapter_errors_when_read(
    box: tuple[Mailbox, int],
) -> None:
    _, port = box
    with pytest.raises(AdapterError, match="cannot open folder Archiv"):
        _reader(port, folder="Archiv").token(ANNA, "activation")
    with pytest.raises(AdapterError, match="cannot be reached"):
        _reader(1).token(ANNA, "activation")


def test_profile_names_the_variable_not_the_password_and_refuses_clear_text_when_remote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "portal.yaml"
    path.write_text(
        "land: berlin\nimap:\n  host: 127.0.0.1\n  security: none\n  user: qa\n"
        "  password_env: QA_IMAP_PASSWORD\n"
    )
    monkeypatch.delenv("QA_IMAP_PASSWORD", raising=False)
    with pytest.raises(InputError, match=r"portal\.yaml:2: .*QA_IMAP_PASSWORD is not set"):
        ImapReader.from_profile(load_profile(path))
    monkeypatch.setenv("QA_IMAP_PASSWORD", SECRET)
    reader = ImapReader.from_profile(load_profile(path))
    assert reader is not None
    assert reader.port == 143
    assert SECRET not in repr(reader)
    path.write_text("land: berlin\nimap: {host: mail.example.org, security: none, user: qa}\n")
    with pytest.raises(InputError, match=r"in clear to mail\.example\.org"):
        ImapReader.from_profile(load_profile(path))
    path.write_text("land: berlin\nimap: {host: mail.example.org, user: qa, pasword: x}\n")
    with pytest.raises(InputError, match=r"portal\.yaml:2: imap\.pasword"):
        load_profile(path)


def test_http_adapter_reads_links_from_the_mailbox_when_the_profile_names_one(
    box: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    mailbox, port = box
    monkeypatch.setenv("SKC_IMAP_PASSWORD", SECRET)
    served = {"land": "berlin", "capabilities": {"mail_capture": False}, "test_hooks": []}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=served))
    imap = Imap(host="127.0.0.1", port=port, security="none", user="qa", deadline_s=5)
    profile = reference_profile("berlin").model_copy(update={"imap": imap})
    adapter = HttpAdapter("http://127.0.0.1:9", land="berlin", profile=profile, transport=transport)
    assert adapter.profile.has(Capability.MAIL_CAPTURE)
    assert not adapter.profile.has(Capability.CLOCK_CONTROL)
    _deliver(mailbox, ANNA, "activation", "from-the-mailbox")
    assert adapter.connect().captured_token(ANNA, "activation") == "from-the-mailbox"
