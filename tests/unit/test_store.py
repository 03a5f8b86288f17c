"""The build cache's store: plain values only, read back, pruned, and a damaged file
replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from duet.incremental.store import Store


def fill(store: Store, count: int) -> None:
    for index in range(count):
        store.put(f"key {index}", index)
    store.commit()


def test_values_and_records_are_read_back_by_another_store(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.put("a", ("text", [1, 2], {"k": b"bytes"}, {("zh", "x"): "d"}))
    store.commit("/site", {"outputs": {"a.html": ("d", None, False)}})
    again = Store(tmp_path)
    assert again.get("a") == ("text", [1, 2], {"k": b"bytes"}, {("zh", "x"): "d"})
    assert again.get_many(["a", "missing"]).keys() == {"a"}
    assert again.record("/site") == {"outputs": {"a.html": ("d", None, False)}}
    assert again.record("/other") is None


def test_an_engine_object_is_refused(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.put("model", Store)
    with pytest.raises(ValueError):
        store.commit()


def test_pruning_drops_what_the_last_build_did_not_use(tmp_path: Path) -> None:
    fill(Store(tmp_path), 300)
    store = Store(tmp_path)
    assert store.get("key 7") == 7
    fill(store, 1)
    again = Store(tmp_path)
    assert again.get("key 7") == 7 and again.get("key 0") == 0
    assert again.get("key 200") is None


def test_a_damaged_file_is_replaced_by_an_empty_one(tmp_path: Path) -> None:
    fill(Store(tmp_path), 3)
    (tmp_path / "cache.sqlite3").write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"cache.sqlite3{suffix}").unlink(missing_ok=True)
    store = Store(tmp_path)
    assert store.get("key 1") is None
    fill(store, 2)
    assert Store(tmp_path).get("key 1") == 1
