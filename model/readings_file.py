"""Load a choice of readings from a YAML file (a portal profile's ``readings:`` section).

    readings:
      password_reset.lockout_attempts: "5"
      house_number.charset: examples-shape

Errors name the file, the line and what was expected; other top-level keys are left to the
profile loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from skc.model.ambiguity import Readings, load_register
from skc.model.errors import InputError, UnknownNameError
from skc.model.lands import LANDS


def compose_yaml_file(path: Path) -> yaml.Node | None:
    """Read ``path`` as a YAML node tree (lines kept); raise InputError naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from exc
    try:
        return yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise InputError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc


def yaml_data(root: yaml.Node | None) -> Any:
    """The plain Python data of a composed node tree (None for an empty file)."""
    return yaml.safe_load(yaml.serialize(root)) if root is not None else None


def line_of(node: yaml.Node, loc: tuple[int | str, ...]) -> int:
    """The 1-based line of the node at a data path (a pydantic error location), or its parent."""
    for key in loc:
        found: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == str(key)), None)
            if found is None:
                found = next((k for k, _ in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            found = node.value[key]
        if found is None:
            break
        node = found
    return node.start_mark.line + 1


def validation_error(
    path: Path, root: yaml.Node, error: ValidationError, prefix: tuple[int | str, ...] = ()
) -> InputError:
    """An InputError for the first problem pydantic found in the data under ``prefix``:
    file, line, field and message (and the valid Länder when a Land name is wrong)."""
    first = error.errors()[0]
    loc = tuple(first["loc"])
    where = ".".join(str(part) for part in loc)
    hint = f" (valid: {', '.join(LANDS)})" if loc and loc[0] in ("land", "lands") else ""
    line = line_of(root, (*prefix, *loc))
    return InputError(f"{path}:{line}: {where}: {first['msg']}{hint}")


def load_readings_file(path: Path) -> Readings:
    """Return the readings chosen in ``path``; raise InputError naming file and line."""
    root = compose_yaml_file(path)
    if root is None:
        return Readings()
    if not isinstance(root, yaml.MappingNode):
        raise InputError(f"{path}:{root.start_mark.line + 1}: expected a mapping at the top")
    chosen: dict[str, str] = {}
    for key, value in root.value:
        if key.value != "readings":
            continue
        if not isinstance(value, yaml.MappingNode):
            raise InputError(
                f"{path}:{value.start_mark.line + 1}: "
                "'readings' must map ambiguity ids to reading ids"
            )
        for aid_node, rid_node in value.value:
            line = aid_node.start_mark.line + 1
            aid, rid = str(aid_node.value), str(rid_node.value)
            register = load_register()
            if aid not in register:
                raise InputError(f"{path}:{line}: {UnknownNameError('ambiguity', aid, register)}")
            if rid not in register[aid].reading_ids:
                raise InputError(
                    f"{path}:{line}: unknown reading {rid!r} of {aid}; "
                    f"valid: {', '.join(register[aid].reading_ids)}"
                )
            chosen[aid] = rid
    return Readings(chosen)
