"""The German messages the web pages show for rejections (``messages.yaml``).

One message per rule id, unique across rule ids, never naming the id: what a real portal shows.
A message may name the Land's parameters of its rule (``{min}``, ``{max}``, ``{chars_list}``),
filled in for the portal's Land and readings; :func:`rejectable` is the set of rule ids a
rejection can carry (the catalog's and the simulation's own).
"""

from __future__ import annotations

from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Final

from skc.model.ambiguity import Readings
from skc.model.catalog import load_catalog
from skc.model.errors import CatalogError, NotStatedError, UnknownNameError
from skc.model.lands import LandId
from skc.model.parameters import resolve_params
from skc.model.sim.outcome import SIM_REASONS
from skc.model.yaml_file import load_data_yaml

MESSAGES_FILE: Final = Path(__file__).with_name("messages.yaml")
FALLBACK: Final = "Ihre Anfrage konnte nicht ausgeführt werden."


def rejectable() -> frozenset[str]:
    """Every rule id a rejection can carry: the catalog's rules and the ``sim.*`` preconditions."""
    return frozenset(load_catalog().ids) | frozenset(SIM_REASONS)


def load_messages(path: Path = MESSAGES_FILE) -> dict[str, str]:
    """rule id -> German message template; CatalogError for a malformed file."""
    data = load_data_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in data.items()
    ):
        raise CatalogError(f"{path}: expected a mapping of rule id to a non-empty German message")
    return dict(data)


@cache
def messages() -> dict[str, str]:
    """The messages of ``messages.yaml`` (loaded once)."""
    return load_messages()


class _Params(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message(rule_id: str, land: LandId, readings: Readings) -> str:
    """The German message for a rule id on a Land's portal (its parameters filled in)."""
    template = messages().get(rule_id)
    if template is None:
        return FALLBACK
    params = _Params()
    # a sim.* id, or a rule the Land does not state, has nothing to fill in
    with suppress(UnknownNameError, NotStatedError):
        params.update(resolve_params(load_catalog().rule(rule_id), land, readings))
    chars = params.get("chars")
    params["chars_list"] = ", ".join(f"„{ch}“" for ch in str(chars)) if chars else ""
    return template.format_map(params)


__all__ = ["FALLBACK", "MESSAGES_FILE", "load_messages", "message", "messages", "rejectable"]
