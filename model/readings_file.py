"""Load a choice of readings from a YAML file (a portal profile's ``readings:`` section).

    readings:
      password_reset.lockout_attempts: "5"
      house_number.charset: examples-shape

Errors name the file, the line and what was expected; other top-level keys are left to the
profile loader. The safe reading of the file itself (size limit, no aliases or tags, libyaml's
C parser) lives in :mod:`skc.model.yaml_file`; its two functions are re-exported here for the
loaders that import them from this module.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from skc.model.ambiguity import Readings, load_register
from skc.model.errors import InputError, UnknownNameError
from skc.model.lands import LANDS
from skc.model.yaml_file import compose_yaml_file, yaml_data


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
    return readings_from_node(path, compose_yaml_file(path))


def readings_from_node(path: Path, root: yaml.Node | None) -> Readings:
    """The readings chosen in the ``readings:`` section of an already composed file."""
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
        register = load_register()
        for aid_node, rid_node in value.value:
            line = aid_node.start_mark.line + 1
            if not isinstance(rid_node, yaml.ScalarNode):
                raise InputError(
                    f"{path}:{rid_node.start_mark.line + 1}: the reading of {aid_node.value} "
                    "must be one reading id, not a list or mapping"
                )
            aid, rid = str(aid_node.value), str(rid_node.value)
            if aid in chosen:
                raise InputError(f"{path}:{line}: {aid} is chosen twice; keep one reading")
            if aid not in register:
                raise InputError(f"{path}:{line}: {UnknownNameError('ambiguity', aid, register)}")
            if rid not in register[aid].reading_ids:
                raise InputError(
                    f"{path}:{line}: unknown reading {rid!r} of {aid}; "
                    f"valid: {', '.join(register[aid].reading_ids)}"
                )
            chosen[aid] = rid
    return Readings(chosen)


__all__ = [
    "compose_yaml_file",
    "line_of",
    "load_readings_file",
    "readings_from_node",
    "validation_error",
    "yaml_data",
]
