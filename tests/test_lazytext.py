"""Objects whose text and lazy fields are unpickled where first used."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field

import pytest
from duet.lazytext import StoredLazily, packing_lazy_fields

PACKED = "_packed_fields"


@dataclass
class Note(StoredLazily):
    text_field = "text"
    lazy_fields = ("tags", "refs")

    text: str
    tags: list[str] = field(default_factory=list)
    refs: dict[str, int] = field(default_factory=dict)
    size: int = 0


def note() -> Note:
    return Note("正文 and text", ["a", "b"], {"x": 1}, 7)


def stored(value: object) -> bytes:
    with packing_lazy_fields():
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def test_between_processes_the_fields_travel_plainly() -> None:
    copy = pickle.loads(pickle.dumps(note()))
    assert PACKED not in vars(copy) and vars(copy)["tags"] == ["a", "b"]
    assert copy == note()


def test_from_the_cache_each_part_is_restored_where_first_used() -> None:
    copy = pickle.loads(stored(note()))
    assert set(vars(copy)) == {"text_utf8", PACKED, "size"}
    assert copy.size == 7 and set(vars(copy)) == {"text_utf8", PACKED, "size"}
    assert copy.refs == {"x": 1}  # one lazy field brings back all of them
    assert vars(copy)["tags"] == ["a", "b"] and "text_utf8" in vars(copy)
    assert copy.text == "正文 and text" and "text_utf8" not in vars(copy)
    assert copy == note()


def test_what_was_never_used_is_stored_again_as_the_same_bytes() -> None:
    first = stored(note())
    copy = pickle.loads(first)
    assert stored(copy) == first
    _ = copy.tags  # unpickled, and its nested pickle kept
    assert stored(copy) == first


def test_a_packed_object_still_travels_whole_between_processes() -> None:
    original = note()
    stored(original)  # packs it
    copy = pickle.loads(pickle.dumps(original))
    assert vars(copy)["tags"] == ["a", "b"] and PACKED in vars(copy)
    assert copy == original


def test_other_missing_attributes_are_missing() -> None:
    copy = pickle.loads(stored(note()))
    assert not hasattr(copy, "title")
    with pytest.raises(AttributeError):
        _ = copy.text_utf8_utf8
