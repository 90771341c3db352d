"""User YAML files are untrusted: size limit, no aliases or tags, file:line errors, one parse."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from skc.conformance.cli import app
from skc.conformance.expected import load_expected_failures
from skc.conformance.faults import load_faults
from skc.conformance.profile import load_profile
from skc.conformance.suites.scenarios import SCENARIO_DIR, load_scenario
from skc.model import yaml_file
from skc.model.errors import InputError
from skc.model.readings_file import load_readings_file
from skc.model.yaml_file import MAX_BYTES, MAX_DEPTH, compose_yaml_file, yaml_data

BILLION_LAUGHS = "\n".join(
    ["land: berlin", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
)

LOADERS: dict[str, Callable[[Path], object]] = {
    "profile": load_profile,
    "scenario": load_scenario,
    "expected failures": load_expected_failures,
    "faults": load_faults,
    "readings": load_readings_file,
}


def _write(tmp_path: Path, text: str | bytes, name: str = "input.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        yaml_data(compose_yaml_file(path))
    return str(caught.value)


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_every_loader_refuses_a_billion_laughs_file_at_its_first_anchor_when_loaded(
    tmp_path: Path, kind: str
) -> None:
    path = _write(tmp_path, BILLION_LAUGHS)
    with pytest.raises(InputError) as caught:
        LOADERS[kind](path)
    assert str(caught.value).startswith(f"{path}:2: YAML anchors (&a0) are not accepted")


def test_alias_is_refused_with_its_line_when_no_anchor_precedes_it(tmp_path: Path) -> None:
    # an alias without its anchor is a syntax error in libyaml; either way: file, line, no crash
    message = _error(_write(tmp_path, "land: berlin\nbase_url: *nowhere\n"))
    assert message.startswith(f"{tmp_path / 'input.yaml'}:2:")


@pytest.mark.parametrize(
    ("text", "line", "tag"),
    [
        ("land: !!python/object/apply:os.system ['true']\n", 1, "tag:yaml.org,2002:python/"),
        ("land: berlin\nparameters: !custom {a: 1}\n", 2, "!custom"),
        ("land: berlin\nbase_url: !!str 5\n", 2, "tag:yaml.org,2002:str"),
        ("land: berlin\nitems: !!set {a, b}\n", 2, "tag:yaml.org,2002:set"),
    ],
)
def test_explicit_tag_is_refused_with_file_and_line_when_present(
    tmp_path: Path, text: str, line: int, tag: str
) -> None:
    path = _write(tmp_path, text)
    message = _error(path)
    assert message.startswith(f"{path}:{line}: explicit YAML tags ({tag}")


def test_file_over_the_size_limit_is_refused_naming_the_limit_when_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "# padding\n" * (MAX_BYTES // 10 + 1))
    message = _error(path)
    assert message.startswith(f"{path}: the file is larger than the 1 MiB limit")


def test_file_at_the_size_limit_is_read_when_exactly_one_mib(tmp_path: Path) -> None:
    body = "land: berlin\n"
    path = _write(tmp_path, body + "#" * (MAX_BYTES - len(body) - 1) + "\n")
    assert path.stat().st_size == MAX_BYTES
    assert yaml_data(compose_yaml_file(path)) == {"land": "berlin"}


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("land: berlin\nland: hamburg\n", 2, "duplicate key 'land'"),
        ("base: {a: 1}\nother:\n  <<: {b: 2}\n", 3, "merge keys (<<) are not accepted"),
        ("land: berlin\n---\nland: hamburg\n", 2, "a second YAML document"),
        ("when: 2026-02-30\n", 1, "is not a valid value"),
        ("n: " + "9" * 5000 + "\n", 1, "is not a valid value"),
        ("? [a, b]\n: 1\n", 1, "a mapping key must be a plain value"),
        ("land: [berlin\n", 2, "not valid YAML"),
    ],
)
def test_malformed_yaml_names_file_line_and_problem_when_loaded(
    tmp_path: Path, text: str, line: int, expected: str
) -> None:
    path = _write(tmp_path, text)
    message = _error(path)
    assert message.startswith(f"{path}:{line}:"), message
    assert expected in message


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 200_000])
def test_nesting_deeper_than_the_limit_is_refused_when_brackets_pile_up(
    tmp_path: Path, depth: int
) -> None:
    path = _write(tmp_path, "[" * depth + "]" * depth + "\n")
    message = _error(path)
    assert message.startswith(f"{path}:1: ")
    if depth == MAX_DEPTH + 1:
        assert f"nested deeper than {MAX_DEPTH} levels" in message


def test_invalid_utf8_is_refused_with_its_line_when_read(tmp_path: Path) -> None:
    path = _write(tmp_path, b"land: berlin\nbase_url: caf\xe9\n")
    message = _error(path)
    assert message.startswith(f"{path}:2: not valid UTF-8 (byte 0xe9 at column 14)")


def test_directory_is_refused_naming_it_when_given_as_a_file(tmp_path: Path) -> None:
    assert _error(tmp_path).startswith(f"{tmp_path}: is a directory")


def test_empty_file_is_no_data_when_read(tmp_path: Path) -> None:
    assert compose_yaml_file(_write(tmp_path, "# only a comment\n")) is None


def test_shipped_scenarios_give_the_same_data_as_pyyaml_when_read_once() -> None:
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        expected: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert yaml_data(compose_yaml_file(path)) == expected, path


def test_reader_uses_libyaml_when_pyyaml_was_built_with_it() -> None:
    assert bool(getattr(yaml, "__with_libyaml__", False)) == yaml_file.HAS_LIBYAML
    if yaml_file.HAS_LIBYAML:
        assert yaml_file.SAFE_LOADER is yaml.CSafeLoader


def test_python_parser_gives_the_same_nodes_when_libyaml_is_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "land: berlin\nitems:\n  - 1\n  - {a: 2026-01-02, b: null}\n"
    path = _write(tmp_path, text)
    fast = yaml_data(compose_yaml_file(path))
    monkeypatch.setattr(yaml_file, "SAFE_LOADER", yaml.SafeLoader)
    root = compose_yaml_file(path)
    assert yaml_data(root) == fast == yaml.safe_load(text)
    assert root is not None
    assert root.value[1][1].value[1].start_mark.line == 3
    with pytest.raises(InputError, match=r":2: YAML anchors \(&x\)"):
        yaml_data(compose_yaml_file(_write(tmp_path, "a: 1\nb: &x 2\n", "anchor.yaml")))


def test_profile_error_lists_the_valid_keys_when_a_key_is_unknown(tmp_path: Path) -> None:
    path = _write(tmp_path, "land: berlin\ncolour: red\n")
    with pytest.raises(InputError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:2: colour:")
    assert "valid keys: land, base_url, capabilities, parameters, readings" in message


def test_profile_reading_given_twice_is_refused_when_loaded(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "land: berlin\nreadings:\n  time.limit_boundary: alive-at-limit\n"
        "  time.limit_boundary: expired-at-limit\n",
    )
    with pytest.raises(InputError, match=rf"^{path}:4: duplicate key"):
        load_profile(path)


def test_command_exits_two_without_traceback_when_the_profile_is_a_billion_laughs(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, BILLION_LAUGHS)
    result = CliRunner().invoke(
        app,
        ["check", "--profile", str(path), "--land", "berlin", "--field", "password", "--", "x"],
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{path}:2" in result.output.replace("\n", "")


def test_profile_names_the_line_of_a_key_when_a_message_is_about_it(tmp_path: Path) -> None:
    path = _write(tmp_path, "# a portal\nbase_url: http://127.0.0.1:8080\nland: hamburg\n")
    profile = load_profile(path)
    assert profile.where("land") == f"{path}:3"
    assert profile.where("capabilities") == str(path)
    assert profile.model_copy(update={"land": "berlin"}).where() == f"{path}:3"


@pytest.mark.parametrize("parser", ["libyaml", "python"])
def test_control_character_is_refused_with_its_line_when_either_parser_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parser: str
) -> None:
    if parser == "python":
        monkeypatch.setattr(yaml_file, "SAFE_LOADER", yaml.SafeLoader)
    path = _write(tmp_path, "land: berlin\nbase_url: a\x07b\n")
    assert _error(path).startswith(f"{path}:2: not valid YAML (character U+0007: ")


_YAML_CHARACTERS = "[]{}:,- \n\t?'\"#a1.~x&*!|>%@"


def _read_with(parser: type[Any], text: str) -> tuple[str, Any]:
    try:
        return "data", yaml_data(yaml_file.compose_text(text, "input.yaml", parser=parser))
    except InputError as exc:
        return "error", str(exc)


@pytest.mark.parametrize("parser", ["libyaml", "python"])
@given(text=st.text(alphabet=_YAML_CHARACTERS, max_size=40))
def test_reader_gives_pyyamls_data_or_an_input_error_when_given_any_text(
    parser: str, text: str
) -> None:
    loader = yaml.SafeLoader if parser == "python" else yaml_file.SAFE_LOADER
    kind, result = _read_with(loader, text)
    if kind == "error":
        assert result.startswith("input.yaml")
    else:
        assert repr(result) == repr(yaml.load(text, Loader=loader))  # repr: nan == nan
