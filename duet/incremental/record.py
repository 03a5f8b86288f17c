"""The record of the last build into an output folder: what it was made from and what
it published, kept in the store as plain data (store.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from duet.digests import digest
from duet.incremental.inputs import Inputs
from duet.model.reads import BodyReads
from duet.publish.write import NewFile, Stamp

SEARCH_PREFIX = "pagefind/"


@dataclass(frozen=True)
class Output:
    """One published file: its digest, the bodies it read when it was rendered (None for
    a file copied or made by the search index), and whether the search index took it."""

    digest: str
    reads: BodyReads | None
    searchable: bool


@dataclass(frozen=True)
class Record:
    inputs: str
    """The digest of every input file's digest, the engine's version and the base URL."""
    scan: Inputs
    """The inputs as this build scanned them (their stats spare the next scan reading
    the files that have not changed)."""
    structure: str
    """Everything the model was made from but the pages' HTML bodies (cache.py)."""
    outputs: dict[str, Output]
    everyone: BodyReads
    """The body reads that count for every output (model/reads.py)."""
    stamps: dict[str, Stamp]
    """Each published file's stamp, as written (write.py)."""
    spare: dict[str, tuple[str, Stamp]]
    """The spare folder's files (the site before): each one's digest and stamp."""
    warnings: list[tuple[str, int, int, str, str]]
    pages: dict[str, int]
    search: str
    """What the published search index was made from (`searchable_key`)."""
    history: dict[str, tuple[str, str | None, bool]]
    """What the drift check learnt of files' last changes (drift/history.py)."""

    def searchable_key(self) -> str:
        return searchable_key(self.outputs)

    def plain(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs, "scan": (self.scan.digests, self.scan.stats),
            "structure": self.structure,
            "outputs": {path: (output.digest, output.reads, output.searchable)
                        for path, output in self.outputs.items()},
            "everyone": self.everyone, "stamps": self.stamps, "spare": self.spare,
            "warnings": self.warnings,
            "pages": self.pages, "search": self.search, "history": self.history,
        }

    @classmethod
    def from_plain(cls, plain: Any) -> Record | None:
        """The record stored as `plain`; None if there is none or it is of another form."""
        try:
            digests, stats = plain["scan"]
            return cls(
                plain["inputs"],
                Inputs(digests, {}, stats),
                plain["structure"],
                {path: Output(*output) for path, output in plain["outputs"].items()},
                plain["everyone"], plain["stamps"], plain["spare"], plain["warnings"],
                plain["pages"],
                plain["search"], plain["history"])
        except (TypeError, KeyError, ValueError):
            return None


def searchable_key(files: Mapping[str, NewFile] | Mapping[str, Output]) -> str:
    """What the search index is made from: the searchable pages, by digest."""
    return digest(repr(sorted((path, new.digest) for path, new in files.items()
                              if new.searchable)))
