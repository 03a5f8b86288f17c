from pathlib import Path

import yaml

from duet.diagnostics import Diagnostics
from duet.load.schema import (
    INVALID,
    Context,
    Field,
    Ident,
    Int,
    Localized,
    RecordOf,
    Str,
    TextStart,
)
from duet.load.schemas import FRONT_MATTER
from explainer.schemas import COLLECTIONS

SCHEMA = RecordOf({"id": Field(Ident()), "count": Field(Int()),
                   "name": Field(Localized()), "note": Field(Str(), required=False)})


def check(text: str, schema=SCHEMA):  # type: ignore[no-untyped-def]
    diagnostics = Diagnostics()
    ctx = Context(Path("data/x.yaml"), diagnostics, ("zh", "en"))
    value = schema.check(yaml.compose(text, Loader=yaml.SafeLoader), ctx)
    return value, diagnostics, ctx


def test_valid_record_keeps_values_and_position() -> None:
    value, diagnostics, _ = check("id: a-b\ncount: 3\nname: {zh: 甲, en: A}\n")
    assert not diagnostics.items
    assert value["id"] == "a-b" and value.count == 3 and value.note is None
    assert value.name.values == {"zh": "甲", "en": "A"}
    assert value.where.line == 1


def test_unknown_key_suggests_the_nearest() -> None:
    value, diagnostics, _ = check("id: a\ncount: 1\nname: {zh: 甲, en: A}\nnoet: x\n")
    assert value is INVALID
    [problem] = diagnostics.errors
    assert problem.line == 4 and "unknown key 'noet'" in problem.message
    assert "did you mean 'note'" in problem.message


def test_missing_and_wrong_types_are_all_reported() -> None:
    _, diagnostics, _ = check("id: Not Valid\ncount: many\n")
    messages = [d.message for d in diagnostics.errors]
    assert any("'Not Valid' is not valid" in m for m in messages)
    assert any("expected a whole number, found a string" in m for m in messages)
    assert any("missing required key 'name'" in m for m in messages)


def test_missing_language_is_recorded_not_fatal() -> None:
    value, diagnostics, ctx = check("id: a\ncount: 1\nname: {zh: 甲}\n")
    assert value is not INVALID and not diagnostics.errors
    assert [(w.line, lang) for w, lang in ctx.missing] == [(3, "en")]


def test_unknown_language_is_an_error() -> None:
    _, diagnostics, _ = check("id: a\ncount: 1\nname: {zh: 甲, en: A, fr: B}\n")
    assert "unknown language 'fr'" in diagnostics.errors[0].message


def test_invalid_date_is_reported() -> None:
    _, diagnostics, _ = check("title: x\nupdated: 2025-13-45\n", FRONT_MATTER)
    assert diagnostics.errors and "2025-13-45" in diagnostics.errors[0].message


def test_duplicate_ids_in_a_collection() -> None:
    text = ("- {id: a, year: 2021, motto: {zh: 甲, en: A}, events: [{zh: 甲, en: A}]}\n"
            "- {id: a, year: 2022, motto: {zh: 乙, en: B}, events: [{zh: 乙, en: B}]}\n")
    _, diagnostics, _ = check(text, COLLECTIONS["milestones"])
    [problem] = diagnostics.errors
    assert problem.line == 2 and "duplicate id 'a'" in problem.message


def test_an_unknown_tag_is_reported_at_its_value() -> None:
    _, diagnostics, _ = check("id: a\ncount: 1\nname: {zh: 甲, en: !Some A}\n")
    [problem] = diagnostics.errors
    assert (problem.line, problem.col) == (3, 19)
    assert problem.message == "invalid value 'A': the tag '!Some' is not understood; remove it"


def test_each_languages_text_knows_where_its_first_character_is() -> None:
    value, _, _ = check('id: a\ncount: 1\nname:\n  zh: "甲乙"\n  en: >\n    A\n    B\n')
    places = value.name.places
    assert (places["zh"].line, places["zh"].col, places["zh"].exact) == (4, 8, True)
    # folded: where the value starts (its `>`); a column in the text is not the file's
    assert (places["en"].line, places["en"].col, places["en"].exact) == (5, 7, False)


def test_a_records_string_fields_know_where_they_start() -> None:
    value, _, _ = check('id: a\ncount: 1\nname: {zh: 甲, en: A}\nnote: |\n  x\n')
    assert value.value_places["id"] == TextStart(value.where.path, 1, 5)
    assert value.value_places["note"] == TextStart(value.where.path, 4, 7, exact=False)
    assert "count" not in value.value_places and "name" not in value.value_places
