"""The build cache's store: the large file beside the memo, and what pruning does to it."""

from __future__ import annotations

from pathlib import Path

from duet.incremental.store import Store


class Halved:
    """A type the store is told to pickle its own way."""

    def __init__(self, value: int) -> None:
        self.value = value


def test_the_large_value_is_read_back_only_when_its_head_is_wanted(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.write_large("head", {"items": [Halved(4)]},
                      {Halved: lambda half: (Halved, (half.value // 2,))})
    assert store.read_large(lambda head: head == "other") is None
    value = store.read_large(lambda head: head == "head")
    assert value is not None and value["items"][0].value == 2
    assert sorted(path.name for path in tmp_path.iterdir()
                  if path.name.startswith("model")) == ["model.pickle"]  # no scratch copy left


def test_a_damaged_large_file_reads_as_none(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.write_large("head", list(range(10_000)), {})
    store.large.write_bytes(store.large.read_bytes()[:-100])
    assert store.read_large(lambda head: True) is None
    store.large.write_bytes(b"not a pickle")
    assert store.read_large(lambda head: True) is None


def fill(store: Store, count: int) -> None:
    for index in range(count):
        store.put(f"key {index}", index)
    store.commit()


def test_pruning_the_memo_drops_a_large_value_this_build_did_not_use(tmp_path: Path) -> None:
    fill(Store(tmp_path), 300)
    Store(tmp_path).write_large("head", "made from the memo's entries", {})
    store = Store(tmp_path)
    fill(store, 1)  # prunes: what the large value was made from may be gone
    assert not store.large.exists()


def test_pruning_keeps_a_large_value_this_build_read(tmp_path: Path) -> None:
    fill(Store(tmp_path), 300)
    Store(tmp_path).write_large("head", "value", {})
    store = Store(tmp_path)
    assert store.read_large(lambda head: True) == "value"
    fill(store, 1)
    assert store.read_large(lambda head: True) == "value"


def test_a_value_that_cannot_be_pickled_is_not_kept(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.write_large("head", "an earlier value", {})
    store.write_large("head", {"made by": lambda: None}, {})  # a lambda cannot be pickled
    assert store.read_large(lambda head: True) == "an earlier value"
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith("model")] == [
        "model.pickle"]


def test_the_records_of_other_folders_are_forgotten(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for key in ("build:old:/site", "folder:old:1:2", "build:new:/site", "folder:new:1:3"):
        store.set_folder(key, {"key": key})
    store.keep_folders({"build:new:/site", "folder:new:1:3", "folder:new:1:4"})
    assert store.folder("build:old:/site") is None and store.folder("folder:old:1:2") is None
    assert store.folder("build:new:/site") == {"key": "build:new:/site"}
    assert store.folder("folder:new:1:3") == {"key": "folder:new:1:3"}
