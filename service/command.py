"""``skc serve``: build the server from its options and run it on uvicorn.

Options are checked before anything starts (InputError, exit 2): a known Land, a fault of that
Land, a writable database path, a test token when test hooks are asked for (``--test-token``
or the ``SKC_TEST_TOKEN`` environment variable, so it need not show in a process list), and
``HOST:PORT`` for ``--smtp``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import uvicorn
from starlette.applications import Starlette

from skc.conformance.faults import parse_fault
from skc.model.errors import InputError
from skc.model.lands import parse_land
from skc.service.app import ServiceConfig, create_app
from skc.service.instances import Portals
from skc.service.mail import SmtpSender, parse_address
from skc.service.store import Store

TOKEN_ENV: Final = "SKC_TEST_TOKEN"
DEFAULT_DB: Final = Path("skc-portal.sqlite3")


@dataclass(frozen=True)
class ServeOptions:
    """The options of ``skc serve``."""

    land: str
    fault: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    db: Path | None = DEFAULT_DB  # None: in memory, lost at exit
    test_hooks: bool = False
    test_token: str | None = None
    smtp: str | None = None


def build_app(options: ServeOptions) -> Starlette:
    """The application the options describe; InputError for a bad option."""
    land = parse_land(options.land)
    fault = parse_fault(options.fault) if options.fault else None
    if fault is not None and fault.land != land:
        raise InputError(
            f"--fault {fault.name} is a fault of {fault.land}; use --land {fault.land}"
        )
    token = options.test_token or os.environ.get(TOKEN_ENV) or None
    if options.test_hooks and token is None:
        raise InputError(f"--test-hooks needs a token: --test-token TOKEN or ${TOKEN_ENV}")
    if token is not None and not options.test_hooks:
        token = None  # a token alone does not switch the hooks on
    if options.db is not None and options.db.parent and not options.db.parent.is_dir():
        raise InputError(f"--db {options.db}: the directory {options.db.parent} does not exist")
    sender = None
    if options.smtp is not None:
        try:
            host, port = parse_address(options.smtp)
        except ValueError as exc:
            raise InputError(f"--smtp: {exc}") from exc
        base_url = f"http://{options.host}:{options.port}"
        sender = SmtpSender(host, port, base_url=base_url)
    try:
        store = Store(options.db if options.db is not None else ":memory:")
    except Exception as exc:  # sqlite3 errors: a directory, no permission, not a database
        raise InputError(f"--db {options.db}: cannot open it as SQLite ({exc})") from exc
    portals = Portals(land, store, fault=fault, readings=None, real_time=not options.test_hooks)
    return create_app(ServiceConfig(portals, test_token=token, send_mail=sender))


def serve(options: ServeOptions, app: Starlette | None = None) -> None:
    """Run the server (``app``, or one built from the options) until interrupted."""
    app = app if app is not None else build_app(options)
    hooks = "with test hooks" if options.test_hooks else "without test hooks"
    print(
        f"skc serve: {options.land}{f', fault {options.fault}' if options.fault else ''}, "
        f"{hooks}, state in {options.db or 'memory'}, http://{options.host}:{options.port}",
        file=sys.stderr,
    )
    uvicorn.run(app, host=options.host, port=options.port, log_level="warning", access_log=False)


__all__ = ["DEFAULT_DB", "TOKEN_ENV", "ServeOptions", "build_app", "serve"]
