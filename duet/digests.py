"""Fingerprints of values: what the cache keys and the incremental build compare."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def canonical(value: Any) -> Any:
    """A value's content as plain tuples, without source positions, for fingerprints."""
    if isinstance(value, Markup | str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping):
        return tuple((key, canonical(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return tuple(canonical(item) for item in value)
    if dataclasses.is_dataclass(value):
        return (type(value).__name__, tuple(
            (f.name, canonical(getattr(value, f.name)))
            for f in dataclasses.fields(value) if f.name != "where"))
    return repr(value)
