"""Objects pickled with one large text as UTF-8 bytes, decoded where first used."""

from __future__ import annotations

from typing import Any, ClassVar


class TextStoredAsUtf8:
    """A mixin for a dataclass whose `text_field` is pickled as UTF-8 bytes.

    The build cache and the worker processes pickle one of these per page:
    loading them then copies bytes instead of decoding text, and the text is
    decoded where it is first used (for most pages of a rebuild, never)."""

    text_field: ClassVar[str]

    def decoded(self, text: str) -> Any:
        """The field's value, from its text."""
        return text

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        text = state.pop(self.text_field, None)
        if text is not None:
            state[f"{self.text_field}_utf8"] = text.encode("utf-8")
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)  # without a call to `__getattr__` to look for this method

    def __getattr__(self, name: str) -> Any:
        stored = f"{name}_utf8"
        if name != self.text_field or stored not in self.__dict__:
            raise AttributeError(name)
        value = self.decoded(self.__dict__.pop(stored).decode("utf-8"))
        setattr(self, name, value)
        return value
