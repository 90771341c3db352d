from __future__ import annotations

import html
import json
from urllib.parse import quote, quote_plus

from hypothesis import given
from hypothesis import strategies as st

from skc.conformance.redact import PLACEHOLDER, Scrubber, console_text, visible

secrets = st.text(min_size=4, max_size=24).filter(lambda s: PLACEHOLDER not in s)
noise = st.text(alphabet=st.characters(categories=["Lu", "Zs"]), max_size=12)


def _forms(secret: str) -> list[str]:
    return [
        secret, repr(secret), ascii(secret), json.dumps(secret),
        json.dumps(secret, ensure_ascii=False), quote(secret, safe=""), quote(secret),
        quote_plus(secret), html.escape(secret), html.escape(json.dumps(secret)),
        repr(json.dumps(secret)), secret.encode("unicode_escape").decode(),
    ]  # fmt: skip


@given(secret=secrets, before=noise, after=noise, form=st.integers(0, 11))
def test_every_encoding_of_a_secret_is_replaced_when_scrubbed(
    secret: str, before: str, after: str, form: int
) -> None:
    shown = _forms(secret)[form]
    text = f"{before}{shown}{after}"
    scrubbed = Scrubber([secret])(text)
    inner = shown.strip("'\"")
    assert secret not in scrubbed or secret in before + after
    assert inner not in scrubbed or inner in before + after


def test_text_without_secrets_is_unchanged_when_scrubbed() -> None:
    assert Scrubber(["Geheim123"])("Anna Muster, 12a") == "Anna Muster, 12a"


def test_short_values_are_not_scrubbed_when_they_cannot_be_told_from_text() -> None:
    assert Scrubber(["abc"])("abcdef") == "abcdef"


def test_terminal_escapes_and_markup_are_shown_as_text_when_printed() -> None:
    text = "\x1b]0;pwned\x07[red]x[/red]\u202e"
    assert "\x1b" not in visible(text)
    assert "\u202e" not in visible(text)
    assert console_text(text).count("\\[") == 2


def test_harness_password_is_valid_everywhere_and_not_a_help_text_example_when_drawn() -> None:
    from skc.conformance.steps import SECRETS, fresh_password
    from skc.model.lands import LANDS
    from skc.model.sources import land_seed, seed_text
    from skc.model.validators import is_valid

    public = " ".join(seed_text(land_seed(land)) for land in LANDS)
    for password in (SECRETS["password"].value, SECRETS["other_password"].value, fresh_password()):
        assert all(is_valid(land, "password", password) for land in LANDS)
        assert password not in public
    assert SECRETS["password"].value != SECRETS["other_password"].value
