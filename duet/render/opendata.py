"""Open data: the collections `site.yaml` declares public (`open_data:`), published in
every edition under `/<lang>/<folder>/` as CSV and JSON, described by a Frictionless
data package (`datapackage.json`) and a README.

Each collection gives `<name>.json` (its items, list fields nested) and `<name>.csv`
(one row per item, the scalar fields, a map as a JSON object); each list field also
gives a table of its own, `<name>-<field>.csv`, one row per entry, joined to its item
by `<name>_id` and kept in order by `position`. Texts are given as plain text in the
edition's language. Types come from the values themselves, so the package always
describes what the files hold.
Every file is made from the site model alone, in a fixed order, with no date in it:
the same content gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from duet.diagnostics import Diagnostics
from duet.load.schema import Record, Text
from duet.model.site import LocalText, Site
from duet.model.sources import Source, site_sources

PACKAGE = "datapackage.json"
README = "README.md"
POSITION = "position"

@dataclass(frozen=True)
class Column:
    name: str
    type: str


@dataclass(frozen=True)
class Table:
    """One CSV file: its name, title, columns, rows and keys."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    primary_key: tuple[str, ...]
    parent: tuple[str, str] | None = None
    """(column, parent table) the rows are joined to their item by."""


@dataclass(frozen=True)
class Collection:
    """One public collection in one edition: its items, as JSON gives them, and its
    tables."""

    name: str
    title: str
    description: str
    items: tuple[dict[str, Any], ...]
    tables: tuple[Table, ...]


def check_open_data(site: Site, diagnostics: Diagnostics) -> None:
    """Each public collection exists and has each field it names (in some item)."""
    declared = site.config.open_data
    if declared is None:
        return
    data = site.data[site.config.default_language]
    for entry in declared["collections"]:
        where = entry.where
        name = entry["id"]
        if name not in data:
            diagnostics.error(where.path, where.line, where.col,
                              f"open_data: there is no data collection '{name}' "
                              f"(content/data/{name}.yaml)")
            continue
        present = {key for item in data[name] for key in item}
        for field in entry["fields"]:
            if field not in present:
                diagnostics.error(where.path, where.line, where.col,
                                  f"open_data: the collection '{name}' has no field "
                                  f"'{field}' (its fields: {', '.join(sorted(present))})")


class Publication:
    """The data files of one edition, each made on demand: `files()` maps each output
    path to the function that makes its bytes."""

    def __init__(self, site: Site, lang: str) -> None:
        self.site = site
        self.lang = lang
        self.declared: Record | None = site.config.open_data

    @property
    def folder(self) -> str:
        return f"{self.lang}/{self.declared['folder']}/" if self.declared else ""

    def url(self, file: str) -> str:
        """The address of one of this edition's data files (its README: `README.md`)."""
        return self.site.config.base_path + self.folder + file

    def files(self) -> dict[str, Callable[[], bytes]]:
        if self.declared is None:
            return {}
        made: dict[str, Callable[[], bytes]] = {}
        for collection in self.collections():
            made[f"{self.folder}{collection.name}.json"] = _bound(json_bytes, collection.items)
            for table in collection.tables:
                made[f"{self.folder}{table.name}.csv"] = _bound(csv_bytes, table)
        made[self.folder + PACKAGE] = self.package_bytes
        made[self.folder + README] = self.readme_bytes
        return dict(sorted(made.items()))

    def collections(self) -> list[Collection]:
        assert self.declared is not None
        data = self.site.data[self.lang]
        return [collection_of(entry["id"], self.text(entry["title"]),
                              self.text(entry["description"]) if entry["description"] else "",
                              data.get(entry["id"], []), tuple(entry["fields"]),
                              self.child_description)
                for entry in self.declared["collections"]]

    def links(self, names: Iterable[str]) -> list[tuple[str, str]]:
        """(file name, URL) of the CSV and JSON files of these public collections (those
        not public are left out)."""
        public = {entry["id"] for entry in self.declared["collections"]} if self.declared \
            else set()
        return [(file, self.url(file)) for name in names if name in public
                for file in (f"{name}.csv", f"{name}.json")]

    def title(self, name: str) -> str:
        """The title of a public collection in this edition."""
        assert self.declared is not None
        entry = next(e for e in self.declared["collections"] if e["id"] == name)
        return self.text(entry["title"])

    def text(self, value: Text) -> str:
        config = self.site.config
        return value.values.get(self.lang) or value.values.get(config.default_language, "")

    def package(self) -> dict[str, Any]:
        """The edition's Frictionless data package descriptor."""
        assert self.declared is not None
        config = self.site.config
        language = config.language(self.lang)
        sources = site_sources(config, self.lang)
        licence = self.declared["licence"]
        resources: list[dict[str, Any]] = []
        for collection in self.collections():
            resources.extend(table_resource(table) for table in collection.tables)
            resources.append({
                "name": f"{collection.name}-json", "path": f"{collection.name}.json",
                "title": collection.title, "format": "json",
                "mediatype": "application/json", "encoding": "utf-8",
                **({"description": collection.description} if collection.description
                   else {}),
            })
        return {
            "name": f"{site_slug(config.base_url)}-{self.lang}",
            "title": config.title.get(self.lang) or "",
            "description": config.description.get(self.lang) or "",
            "homepage": config.base_url + f"{self.lang}/",
            "languages": [language.tag],
            "licenses": [{"name": licence["name"], "title": licence["title"],
                          "path": licence["url"]}],
            "sources": [{"title": self.source_line(source), **({"path": source.url}
                                                                if source.url else {})}
                        for source in sources],
            "resources": resources,
        }

    @staticmethod
    def source_line(source: Source) -> str:
        """A source as one line: title, outlet and date, each where known."""
        return ", ".join(part for part in (source.title, source.outlet,
                                           source.date.isoformat() if source.date else None)
                         if part)

    def package_bytes(self) -> bytes:
        return json_bytes(self.package())

    def readme_bytes(self) -> bytes:
        """A short README in the edition's language: the title and text site.yaml gives
        it, the sources, the licence, and each file with its fields (the engine adds
        names, never words of its own)."""
        assert self.declared is not None
        licence = self.declared["licence"]
        lines = [f"# {self.text(self.declared['title'])}", "",
                 self.text(self.declared["readme"]).strip(), "",
                 *(f"- {self.source_line(source)}"
                   for source in site_sources(self.site.config, self.lang)), "",
                 f"{licence['title']}: {licence['url']}", "",
                 f"- `{PACKAGE}`"]
        for collection in self.collections():
            about = f": {collection.description}" if collection.description else ""
            lines.append(f"- `{collection.name}.json`, `{collection.name}.csv`: "
                         f"{collection.title}{about}")
            for table in collection.tables:
                fields = ", ".join(f"`{column.name}`" for column in table.columns)
                lines.append(f"  - `{table.name}.csv` ({fields})")
        return ("\n".join(lines) + "\n").encode("utf-8")

    @staticmethod
    def child_description(field: str, collection: str, key: str) -> str:
        return f"{collection} › {field} ({key}, {POSITION})"


def _bound(make: Callable[[Any], bytes], value: Any) -> Callable[[], bytes]:
    return lambda: make(value)


def collection_of(name: str, title: str, description: str, items: list[Any],
                  fields: tuple[str, ...], describe: Callable[[str, str, str], str]
                  ) -> Collection:
    """A collection's JSON items and its tables: the item table of the scalar fields,
    and one table per list field."""
    plain = tuple({field: plain_value(item.get(field)) for field in fields} for item in items)
    scalars = [field for field in fields if not any(isinstance(i[field], list) for i in plain)]
    lists = [field for field in fields if field not in scalars]
    key = "id" if "id" in scalars else None
    tables = [Table(name, title, description,
                    tuple(Column(field, column_type(i[field] for i in plain)) for field in scalars),
                    tuple(tuple(i[field] for field in scalars) for i in plain),
                    (key,) if key else ())]
    for field in lists:
        tables.append(child_table(name, field, plain, key, describe))
    return Collection(name, title, description, plain, tuple(tables))


def child_table(name: str, field: str, items: tuple[dict[str, Any], ...],
                key: str | None, describe: Callable[[str, str, str], str]) -> Table:
    """The entries of a list field, one row each: the item's id (where items have
    one), the entry's position, and its value (or its fields, for records)."""
    parent = f"{name}_id"
    entries = [(item.get(key) if key else index + 1, position + 1, entry)
               for index, item in enumerate(items)
               for position, entry in enumerate(item[field] or [])]
    records = [entry for _, _, entry in entries if isinstance(entry, dict)]
    names = list(dict.fromkeys(k for record in records for k in record
                               if not isinstance(record[k], list)))
    if records:
        rows = [(owner, position, *(entry.get(n) for n in names))
                for owner, position, entry in entries]
        value_columns = [Column(n, column_type(r.get(n) for r in records)) for n in names]
    else:
        rows = [(owner, position, entry) for owner, position, entry in entries]
        names = ["value"]
        value_columns = [Column("value", column_type(entry for _, _, entry in entries))]
    owner_type = "string" if key else "integer"
    return Table(f"{name}-{field}", f"{name}: {field}", describe(field, name, parent),
                 (Column(parent, owner_type), Column(POSITION, "integer"), *value_columns),
                 tuple(rows), (parent, POSITION), (parent, name) if key else None)


def plain_value(value: Any) -> Any:
    """A localised data value as the files give it: texts as plain text, records as
    objects, lists as lists, dates as ISO dates."""
    if isinstance(value, LocalText):
        return value.text
    if isinstance(value, Mapping):
        return {k: plain_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def column_type(values: Iterable[Any]) -> str:
    """The Frictionless type that fits every value given (None fits any)."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, dict) for v in present):
        return "object"
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool)
                       for v in present):
        return "number"
    return "string"


def table_resource(table: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [{"name": column.name, "type": column.type} for column in table.columns],
    }
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.parent is not None:
        column, parent = table.parent
        schema["foreignKeys"] = [{"fields": [column],
                                  "reference": {"resource": parent, "fields": ["id"]}}]
    resource: dict[str, Any] = {
        "name": table.name, "path": f"{table.name}.csv", "title": table.title,
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8", "schema": schema,
    }
    if table.description:
        resource["description"] = table.description
    return resource


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(column.name for column in table.columns)
    for row in table.rows:
        writer.writerow(_csv_cell(value) for value in row)
    return out.getvalue().encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def site_slug(base_url: str) -> str:
    """The site's host name as a lower-case ASCII name (a data package's, a citation
    key's first part)."""
    host = base_url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
    return "".join(c if c.isalnum() else "-" for c in host.lower()).strip("-") or "site"
