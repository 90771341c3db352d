"""A small IMAP4rev1 server for tests: one folder, over a loopback socket, in a thread.

It speaks what a mail reader needs (CAPABILITY, LOGIN, SELECT, SEARCH TO, FETCH RFC822,
STORE +FLAGS, EXPUNGE, LOGOUT, NOOP) and records the commands it received (the password
never); anything else is answered BAD.
"""

from __future__ import annotations

import re
import shlex
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage


@dataclass
class Mailbox:
    """The folder's mails (raw bytes with their flags) and who may log in."""

    user: str
    password: str
    folder: str = "INBOX"
    mails: list[tuple[bytes, set[str]]] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(self, message: EmailMessage) -> None:
        """A mail arrives."""
        with self.lock:
            self.mails.append((bytes(message), set()))


class _Handler(socketserver.StreamRequestHandler):
    server: _Server
    disable_nagle_algorithm = True  # small answers on loopback: no 40 ms delayed-ACK stalls

    def send(self, line: str | bytes) -> None:
        data = line if isinstance(line, bytes) else line.encode()
        self.wfile.write(data + b"\r\n")

    def handle(self) -> None:
        box = self.server.mailbox
        self.send("* OK IMAP4rev1 test server ready")
        logged_in = False
        while raw := self.rfile.readline():
            tag, _, rest = raw.decode().rstrip("\r\n").partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            with box.lock:
                box.commands.append(command if command != "LOGIN" else "LOGIN")
                if command == "CAPABILITY":
                    self.send("* CAPABILITY IMAP4rev1")
                elif command == "NOOP":
                    pass
                elif command == "LOGOUT":
                    self.send("* BYE logging out")
                    self.send(f"{tag} OK LOGOUT completed")
                    return
                elif command == "LOGIN":
                    user, password = shlex.split(args)
                    if (user, password) != (box.user, box.password):
                        self.send(f"{tag} NO [AUTHENTICATIONFAILED] invalid credentials")
                        continue
                    logged_in = True
                elif not logged_in:
                    self.send(f"{tag} BAD log in first")
                    continue
                elif command == "SELECT":
                    if shlex.split(args) != [box.folder]:
                        self.send(f"{tag} NO no such folder")
                        continue
                    self.send(f"* {len(box.mails)} EXISTS")
                    self.send("* 0 RECENT")
                elif command == "SEARCH":
                    self.send("* SEARCH " + " ".join(self._search(box, args)))
                elif command == "FETCH":
                    number = int(args.split(" ", 1)[0])
                    body = box.mails[number - 1][0]
                    self.send(f"* {number} FETCH (RFC822 {{{len(body)}}}".encode())
                    self.wfile.write(body + b")\r\n")
                elif command == "STORE":
                    number = int(args.split(" ", 1)[0])
                    box.mails[number - 1][1].update(re.findall(r"\\\w+", args))
                elif command == "EXPUNGE":
                    for number in range(len(box.mails), 0, -1):
                        if "\\Deleted" in box.mails[number - 1][1]:
                            del box.mails[number - 1]
                            self.send(f"* {number} EXPUNGE")
                else:
                    self.send(f"{tag} BAD unknown command {command}")
                    continue
            self.send(f"{tag} OK {command} completed")

    @staticmethod
    def _search(box: Mailbox, args: str) -> list[str]:
        key, value = shlex.split(args)
        if key.upper() != "TO":
            return []
        found = []
        for number, (body, _) in enumerate(box.mails, 1):
            header = body.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode()
            to = re.search(r"^To: (.*)$", header, re.MULTILINE | re.IGNORECASE)
            if to and value.casefold() in to.group(1).casefold():
                found.append(str(number))
        return found


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mailbox: Mailbox) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mailbox = mailbox


@contextmanager
def imap_server(mailbox: Mailbox) -> Iterator[int]:
    """Serve the mailbox on a loopback port (yielded) until the block ends."""
    server = _Server(mailbox)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
