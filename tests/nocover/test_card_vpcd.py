"""The virtual card through a real reader stack: pcscd + vsmartcard-vpcd + pyscard.

The fixture starts its own pcscd in the foreground with a private reader.conf.d that puts vpcd
on a free port, and stops it afterwards. The card connects to vpcd as a vicc; the terminal runs
PACE, reads data groups and computes the pseudonym through pyscard.
"""

from __future__ import annotations

import fcntl
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from skc.card import AccessRequest, EidClient, Ref, virtual_card
from skc.card.pcsc import PcscTransport
from skc.card.vpcd import VpcdServer

pytestmark = pytest.mark.slow
# One pcscd per machine: tests in parallel workers take turns through this lock.
PCSCD_LOCK = Path(tempfile.gettempdir()) / "skc-test-pcscd.lock"

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _pcscd_running() -> bool:
    if not PCSCD_SOCKET.exists():
        return False
    with socket.socket(socket.AF_UNIX) as sock:
        try:
            sock.connect(str(PCSCD_SOCKET))
        except OSError:
            return False
        return True


@pytest.fixture
def pcscd(tmp_path: Path) -> Iterator[int]:
    """A pcscd of our own with vpcd on a free port; yields the port."""
    if shutil.which("pcscd") is None or not VPCD_DRIVER.exists():
        pytest.fail("needs Debian's pcscd and vsmartcard-vpcd: ./dev installs them")
    with PCSCD_LOCK.open("a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # another worker's pcscd ends first
        yield from _own_pcscd(tmp_path)


def _own_pcscd(tmp_path: Path) -> Iterator[int]:
    if _pcscd_running():
        pytest.skip("another pcscd is running on this machine; this test starts its own")
    port = _free_port()
    conf = tmp_path / "reader.conf.d"
    conf.mkdir()
    (conf / "vpcd").write_text(
        f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x{port:04X}\n'
        f"LIBPATH {VPCD_DRIVER}\nCHANNELID 0x{port:04X}\n"
    )
    log = (tmp_path / "pcscd.log").open("w")
    process = subprocess.Popen(
        ["pcscd", "--foreground", "--config", str(conf)], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_for_vpcd(process, port, tmp_path / "pcscd.log")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _wait_for_vpcd(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Poll until vpcd listens on ``port``; fail with pcscd's log if pcscd exits instead."""
    deadline = time.monotonic() + 10
    while process.poll() is None and time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)  # pcscd is loading the vpcd driver
    pytest.fail(f"pcscd did not bring up vpcd on port {port}:\n{log.read_text()}")


def test_pace_round_trip_passes_when_the_terminal_reaches_the_card_through_pcscd(
    pcscd: int,
) -> None:
    request = AccessRequest.login("family_names", "address")
    expected = EidClient(virtual_card()).authenticate("123456", request, sector="berlin.de")
    card = virtual_card()
    with VpcdServer(card, port=pcscd):
        transport = PcscTransport()
        try:
            assert transport.reader.startswith("Virtual PCD")
            client = EidClient(transport)
            assert client.read_card_access().hex().upper() == (
                "31143012060A04007F0007020204020202010202010D"
            )
            result = client.authenticate("123456", request, sector="berlin.de")
            assert result.attributes == expected.attributes
            assert result.pseudonym == expected.pseudonym
            second = EidClient(transport)
            with pytest.raises(Exception, match="wrong PIN"):
                second.pace("000000", Ref.PIN)
            assert card.pin_retries == 2
        finally:
            transport.close()


def test_skc_card_serve_inserts_the_profile_card_when_pcscd_runs(pcscd: int) -> None:
    command = [sys.executable, "-m", "skc", "card", "serve", "--profile", "eat-holder"]
    server = subprocess.Popen(
        [*command, "--port", str(pcscd)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        transport = PcscTransport()
        try:
            result = EidClient(transport).authenticate(
                "123456", AccessRequest.login("document_type", "nationality"), sector="s"
            )
        finally:
            transport.close()
        assert result.attributes == {"document_type": "AR", "nationality": "TUR"}
    finally:
        server.terminate()
        server.wait(timeout=10)
