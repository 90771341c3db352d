"""Read a user's YAML file (profile, scenario, expected failures, faults) safely and once.

A user file is untrusted input. :func:`compose_yaml_file` reads at most :data:`MAX_BYTES`,
decodes UTF-8, and builds the node tree (lines kept for error messages) from libyaml's C parser
where it is installed (PyYAML's pure-Python parser otherwise). It refuses what a configuration
file never needs and what makes YAML expensive or surprising: anchors and aliases (a
"billion laughs" file would expand to gigabytes), explicit tags (``!!python/...``, ``!custom``),
merge keys, more than one document and nesting deeper than :data:`MAX_DEPTH`. Every problem is
an :class:`~skc.model.errors.InputError` naming ``file:line`` and what was expected.

:func:`yaml_data` turns the node tree into plain Python data without parsing the text again
(the old path serialised the tree and parsed it a second time). Duplicate keys are an error,
not a silent "last one wins".

The rule catalog and the registers are project data, not user input: they load through
:func:`load_data_yaml`, the same C parser with PyYAML's safe constructor (anchors allowed).
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any, Final

import yaml
from yaml.constructor import SafeConstructor

from skc.model.errors import InputError

MAX_BYTES: Final = 1024 * 1024
"""The largest user YAML file read (1 MiB): far above any real profile or scenario."""

MAX_DEPTH: Final = 64
"""The deepest nesting of lists and mappings accepted in a user YAML file."""

#: libyaml's C parser where PyYAML was built with it, else the pure-Python one.
SAFE_LOADER: Final[type[Any]] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HAS_LIBYAML: Final = SAFE_LOADER is not yaml.SafeLoader

_MERGE_TAG: Final = "tag:yaml.org,2002:merge"
_STR_TAG: Final = "tag:yaml.org,2002:str"
_SEQ_TAG: Final = "tag:yaml.org,2002:seq"
_MAP_TAG: Final = "tag:yaml.org,2002:map"
_CONSTRUCTOR: Final = SafeConstructor()


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as stream:
            raw = stream.read(limit + 1)
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory; expected a YAML file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from exc
    if len(raw) > limit:
        raise InputError(
            f"{path}: the file is larger than the {_size(limit)} limit for YAML input files; "
            "a profile, scenario or expected-failures file is a few KiB"
        )
    return raw


def _size(limit: int) -> str:
    if limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MiB"
    return f"{limit} bytes"


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        raise InputError(
            f"{path}:{line}: not valid UTF-8 (byte 0x{byte:02x} at column {column}); "
            "save the file as UTF-8"
        ) from None


def _where(name: str, mark: Any) -> str:
    return f"{name}:{mark.line + 1}" if mark is not None else name


def _refuse(name: str, event: Any) -> None:
    """Raise for the features a configuration file never needs."""
    where = _where(name, event.start_mark)
    if isinstance(event, yaml.AliasEvent):
        raise InputError(
            f"{where}: YAML aliases (*{event.anchor}) are not accepted; write the value out"
        )
    anchor = getattr(event, "anchor", None)
    if anchor is not None:
        raise InputError(f"{where}: YAML anchors (&{anchor}) are not accepted; write the value out")
    tag = getattr(event, "tag", None)
    if tag is not None:
        raise InputError(
            f"{where}: explicit YAML tags ({tag}) are not accepted; "
            "write a plain value (quote it to make it a string)"
        )


def _compose_node(loader: Any, name: str, depth: int) -> yaml.Node:
    event = loader.get_event()
    _refuse(name, event)
    start = yaml.Mark(
        name, event.start_mark.index, event.start_mark.line, event.start_mark.column, None, 0
    )
    end: Any = event.end_mark
    if isinstance(event, yaml.ScalarEvent):
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _MERGE_TAG:
            raise InputError(f"{_where(name, start)}: YAML merge keys (<<) are not accepted")
        return yaml.ScalarNode(tag, event.value, start, end, style=event.style)
    if depth >= MAX_DEPTH:
        raise InputError(
            f"{_where(name, start)}: nested deeper than {MAX_DEPTH} levels; "
            "expected a flat configuration file"
        )
    if isinstance(event, yaml.SequenceStartEvent):
        items: list[yaml.Node] = []
        while not loader.check_event(yaml.SequenceEndEvent):
            items.append(_compose_node(loader, name, depth + 1))
        end = loader.get_event().end_mark
        return yaml.SequenceNode(_SEQ_TAG, items, start, end, flow_style=event.flow_style)
    if isinstance(event, yaml.MappingStartEvent):
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        while not loader.check_event(yaml.MappingEndEvent):
            key = _compose_node(loader, name, depth + 1)
            pairs.append((key, _compose_node(loader, name, depth + 1)))
        end = loader.get_event().end_mark
        return yaml.MappingNode(_MAP_TAG, pairs, start, end, flow_style=event.flow_style)
    raise InputError(f"{_where(name, start)}: unexpected YAML event {type(event).__name__}")


def _syntax_error(name: str, text: str, exc: yaml.YAMLError) -> InputError:
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return InputError(f"{name}:{line}: not valid YAML (character U+{code:04X}: {exc.reason})")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return InputError(f"{_where(name, mark)}: not valid YAML ({problem})")


def compose_text(text: str, name: str, *, parser: type[Any] | None = None) -> yaml.Node | None:
    """Compose YAML ``text`` into a node tree (None when empty); ``name`` goes into messages.
    ``parser`` is a PyYAML loader class (default :data:`SAFE_LOADER`), for tests."""
    try:  # the pure-Python reader checks the characters when it is built
        loader: Any = (parser or SAFE_LOADER)(text)
    except yaml.YAMLError as exc:
        raise _syntax_error(name, text, exc) from None
    try:
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # document start
        root = _compose_node(loader, name, 0)
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            mark = loader.peek_event().start_mark
            raise InputError(f"{_where(name, mark)}: a second YAML document; expected exactly one")
        return root
    except yaml.YAMLError as exc:
        raise _syntax_error(name, text, exc) from None
    finally:
        loader.dispose()


def compose_yaml_file(path: Path, *, limit: int = MAX_BYTES) -> yaml.Node | None:
    """Read ``path`` as a YAML node tree (lines kept); raise InputError naming file and line."""
    return compose_text(_decode(path, _read_bytes(path, limit)), str(path))


def _scalar(node: yaml.ScalarNode) -> Any:
    build = SafeConstructor.yaml_constructors.get(node.tag)
    if build is None:  # e.g. the "value" tag PyYAML gives a lone "=": keep the text
        return node.value
    try:
        return build(_CONSTRUCTOR, node)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            f"{_where(node.start_mark.name, node.start_mark)}: "
            f"{node.value[:40]!r} is not a valid value ({problem}); quote it to make it a string"
        ) from None


def _data(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR_TAG else _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_data(item) for item in node.value]
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = _data(key_node)
        where = _where(key_node.start_mark.name, key_node.start_mark)
        if not isinstance(key, Hashable) or isinstance(key, list | dict):
            raise InputError(f"{where}: a mapping key must be a plain value, not a list or map")
        if key in out:
            raise InputError(f"{where}: duplicate key {key!r}; each key may appear once")
        out[key] = _data(value_node)
    return out


def yaml_data(root: yaml.Node | None) -> Any:
    """The plain Python data of a composed node tree (None for an empty file), built from the
    nodes without parsing the text again; a bad value or a duplicate key raises InputError."""
    return _data(root) if root is not None else None


def compose_mapping_file(path: Path, expected: str) -> tuple[yaml.Node, dict[Any, Any]]:
    """Read ``path`` as a YAML mapping: its node tree (for line numbers) and its data; a file
    that is empty or not a mapping raises InputError naming the line and ``expected``."""
    root = compose_yaml_file(path)
    data = yaml_data(root)
    if not isinstance(data, dict) or root is None:
        line = root.start_mark.line + 1 if root is not None else 1
        raise InputError(f"{path}:{line}: expected {expected}")
    return root, data


def load_data_yaml(text: str) -> Any:
    """Parse the project's own data YAML (catalog, registers) with the fastest safe loader."""
    return yaml.load(text, Loader=SAFE_LOADER)


__all__ = [
    "HAS_LIBYAML",
    "MAX_BYTES",
    "MAX_DEPTH",
    "SAFE_LOADER",
    "compose_mapping_file",
    "compose_text",
    "compose_yaml_file",
    "load_data_yaml",
    "yaml_data",
]
