"""The word diff `duet translations --diff` shows: whole English words, single Chinese
characters, and segments that rebuild both texts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from duet.drift.diff import ADDED, REMOVED, SAME, as_text, changed_only, word_diff

WORDS = st.lists(st.sampled_from(["the", "plan", "Hubei", "2025", "湖北", "科技", "创新",
                                  "，", "。", " ", "\n", "labs"]), max_size=30)


def test_english_changes_are_whole_words() -> None:
    assert as_text(word_diff("The quick brown fox jumps.", "The quick red fox jumped.")) \
        == "The quick [-brown-]{+red+} fox [-jumps-]{+jumped+}."


def test_chinese_changes_are_single_characters() -> None:
    segments = word_diff("湖北打造科技创新高地。", "湖北加快打造科技创新高地。")
    assert segments == [(SAME, "湖北"), (ADDED, "加快"), (SAME, "打造科技创新高地。")]


def test_rewrapping_is_no_change() -> None:
    assert word_diff("one two\nthree", "one   two\nthree  ") == [(SAME, "one two\nthree")]


def test_long_unchanged_stretches_are_cut() -> None:
    long = "x " * 200
    shown = changed_only(word_diff(long + "end", long + "finish"), context=10)
    assert shown[0][0] == SAME and shown[0][1].startswith("…") and len(shown[0][1]) == 11
    assert shown[1:] == [(REMOVED, "end"), (ADDED, "finish")]


@settings(max_examples=60, deadline=None)
@given(WORDS, WORDS)
def test_the_segments_rebuild_both_texts(old: list[str], new: list[str]) -> None:
    before, after = "".join(old), "".join(new)
    segments = word_diff(before, after)
    folded = ["\n".join(" ".join(line.split()) for line in text.strip().split("\n"))
              for text in (before, after)]
    assert "".join(t for kind, t in segments if kind != ADDED) == folded[0]
    assert "".join(t for kind, t in segments if kind != REMOVED) == folded[1]
