"""Objects pickled so that unpickling them is cheap, and finished where first used."""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Iterator
from typing import Any, ClassVar

_PACKED = "_packed_fields"
_packing = False


@contextlib.contextmanager
def packing_lazy_fields() -> Iterator[None]:
    """Pickle the lazy fields of `StoredLazily` objects apart while in this block.

    For the build cache, which the next build reads back whole and uses a little
    of. Results passed between one build's processes are used at once: they are
    pickled plainly, as a nested pickle would only add its cost. (Either form
    unpickles the same, so a thread pickling meanwhile gets a correct one.)"""
    global _packing
    before, _packing = _packing, True
    try:
        yield
    finally:
        _packing = before


class StoredLazily:
    """A mixin for a dataclass whose `text_field` is pickled as UTF-8 bytes, and whose
    `lazy_fields` are pickled together as one nested pickle for the build cache.

    The build cache and the worker processes pickle one of these per page, and a
    rebuild reads back every page of the site: loading them then copies bytes
    instead of decoding text and building objects. The text is decoded, and the
    lazy fields are unpickled, where first used (for most pages of a rebuild,
    never). The nested pickle is made when the object is first stored, then kept
    for the object's life and stored again as it is: the lazy fields must not
    change once the object has been stored."""

    text_field: ClassVar[str]
    lazy_fields: ClassVar[tuple[str, ...]] = ()

    def decoded(self, text: str) -> Any:
        """The text field's value, from its text."""
        return text

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        text = state.pop(self.text_field, None)
        if text is not None:
            state[f"{self.text_field}_utf8"] = text.encode("utf-8")
        if _packing and self.lazy_fields:
            values = tuple(state.pop(name, None) for name in self.lazy_fields)
            if _PACKED not in state:  # never stored: every lazy field is in hand
                packed = pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)
                state[_PACKED] = self.__dict__[_PACKED] = packed
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)  # without a call to `__getattr__` to look for this method

    def __getattr__(self, name: str) -> Any:
        fields = self.__dict__
        if name in self.lazy_fields and _PACKED in fields:
            fields.update(zip(self.lazy_fields, pickle.loads(fields[_PACKED]), strict=True))
            return fields[name]
        stored = f"{name}_utf8"
        if name != self.text_field or stored not in fields:
            raise AttributeError(name)
        value = self.decoded(fields.pop(stored).decode("utf-8"))
        setattr(self, name, value)
        return value
