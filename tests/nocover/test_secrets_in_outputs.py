from __future__ import annotations

import html
import json
import sys
import textwrap
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from typer.testing import CliRunner

from skc.conformance.cli import app
from skc.conformance.suites.fields import EDGE_EXAMPLES
from skc.model.lands import LANDS
from skc.model.sources import land_seed, seed_text
from skc.model.strategies import boundary_examples

# A vendor adapter written outside the project: it wraps the reference portal, but echoes every
# argument it received, in every encoding a real portal or HTTP library might use, in the rule
# ids of its rejections, in a wrong rejection every eleventh call (a finding, shrunk) and in an
# adapter error every seventh call.
ECHO_PORTAL = textwrap.dedent(
    """
    from __future__ import annotations

    import html
    import json
    from urllib.parse import quote, quote_plus

    from skc.conformance.adapters.inprocess import InProcessAdapter
    from skc.model.errors import AdapterError
    from skc.model.sim.outcome import Outcome

    SEEN: list[str] = []
    CALLS = [0]
    SECRET_ARGS = {"password", "admin_password", "new_password", "security_answer"}


    def _echo(arguments):
        texts = []
        for name, value in arguments.items():
            if name in SECRET_ARGS and isinstance(value, str):
                SEEN.append(value)
            text = str(value)
            texts += [text, repr(text), json.dumps(text), quote(text), quote_plus(text),
                      html.escape(text), "\\x1b[31m" + text + "\\x1b[0m [bold]x[/bold]"]
        return " | ".join(texts)


    class EchoConnection:
        def __init__(self, inner):
            self.inner = inner
            self.calls = 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.close()

        def call(self, operation, arguments):
            CALLS[0] += 1
            echo = _echo(arguments)
            if CALLS[0] % 7 == 0:
                raise AdapterError(f"{operation} failed for form body {echo}")
            outcome = self.inner.call(operation, arguments)
            if operation.startswith("register") and (not outcome or CALLS[0] % 11 == 0):
                return Outcome(accepted=False, rules=(echo,), detail=echo)
            return outcome

        def advance_clock(self, delta):
            self.inner.advance_clock(delta)

        def captured_token(self, address, kind):
            return self.inner.captured_token(address, kind)

        def close(self):
            self.inner.close()


    class EchoAdapter:
        name = "echo"

        def __init__(self, land, profile):
            self.inner = InProcessAdapter(land, profile)
            self.profile = self.inner.profile

        def connect(self):
            return EchoConnection(self.inner.connect())


    def make(land, profile=None):
        return EchoAdapter(land, profile)
    """
)


def _forms(secret: str) -> set[str]:
    return {
        secret, repr(secret)[1:-1], json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1], quote(secret, safe=""), quote_plus(secret),
        html.escape(secret),
    }  # fmt: skip


def test_no_generated_password_reaches_any_output_when_the_adapter_echoes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "echo_portal.py").write_text(ECHO_PORTAL, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["run", "--no-progress", "--target", "echo_portal:make", "--land", "berlin",
         "--suite", "fields", "--seed", "4", "--out", str(out)],
    )  # fmt: skip
    echo_portal = sys.modules["echo_portal"]
    public = " ".join(seed_text(land_seed(land)) for land in LANDS)  # the help texts' own examples
    secrets = {s for s in echo_portal.SEEN if len(s) >= 4 and s not in public}
    # every password check submits the boundary examples first, then drawn passwords
    drawn = secrets - set(boundary_examples("berlin", "password")) - set(EDGE_EXAMPLES["password"])
    assert len(secrets) > 15, "the run really submitted generated passwords"
    assert len(drawn) >= 5, "... and drawn ones, not only the fixed examples"
    assert result.exit_code == 1, result.output
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    verdicts = {r["verdict"] for r in records if r["type"] == "result"}
    assert {"fail", "error"} <= verdicts, "the run met wrong rejections and adapter errors"
    outputs = {"console": result.output}
    outputs |= {p.name: p.read_text(encoding="utf-8") for p in out.iterdir() if p.is_file()}
    assert {"results.jsonl", "junit.xml", "report.html"} <= set(outputs)
    assert "echo_portal:make" in outputs["results.jsonl"]
    for name, text in outputs.items():
        leaked = [s for s in secrets if any(form in text for form in _forms(s))]
        assert not leaked, f"{name} shows {len(leaked)} generated passwords"
    assert "\x1b" not in result.output, "a portal's escape sequence reached the terminal"
