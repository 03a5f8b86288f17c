"""Translation drift: the record, the warnings, the accept command and the page notice."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, SITE_HOOK, build, run_cli

from duet.diagnostics import ContentError, Diagnostics
from duet.drift.check import DRIFTED, EDITED, IN_STEP, NEW, check_translations
from duet.drift.command import translations_command
from duet.drift.history import file_history, no_history
from duet.drift.units import fingerprint
from duet.load.content import RECORD_FILE, load_content

TODAY = dt.date.today().isoformat()


def drift_problems(content: Path, history=no_history) -> list[str]:
    """The drift check's messages for `content`, as a build prints them."""
    diagnostics = Diagnostics()
    loaded = load_content(content, diagnostics, hook=SITE_HOOK)
    assert loaded is not None
    check_translations(content, loaded, diagnostics, history)
    return [str(d) for d in diagnostics.items]


def accept(content: Path, *targets: str) -> None:
    assert translations_command(content, list(targets) or None, not targets,
                                hooks_dir=ROOT / "explainer") == 0


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def recorded(mini_content: Path) -> Path:
    """The mini site with every translation accepted as it is."""
    accept(mini_content)
    assert drift_problems(mini_content) == []
    return mini_content


def test_the_real_content_starts_fully_in_step() -> None:
    content = ROOT / "content"
    diagnostics = Diagnostics()
    loaded = load_content(content, diagnostics, hook=SITE_HOOK)
    assert loaded is not None
    report = check_translations(content, loaded, diagnostics, no_history)
    assert (content / RECORD_FILE).is_file()
    assert [str(d) for d in diagnostics.items] == []
    assert report.states and {state.state for state in report.states} == {IN_STEP}


def test_without_a_record_nothing_is_checked(mini_content: Path) -> None:
    edit(mini_content / "about.zh.md", "来源说明。", "改了。")
    assert drift_problems(mini_content) == []


def test_one_side_edited_warns_at_the_other_sides_heading(recorded: Path) -> None:
    edit(recorded / "about.zh.md", "来源说明。", "来源说明，补充了一句。")
    [message] = drift_problems(recorded)
    en = Diagnostics.display(recorded / "about.en.md")
    assert message == (
        f"{en}:4:1: warning: 'en' may be behind 'zh' in section #source "
        f"(zh changed {TODAY}); once it says the same, run "
        f"`duet translations --accept {en}#source`")


def test_both_sides_edited_is_no_drift(recorded: Path) -> None:
    edit(recorded / "about.zh.md", "来源说明。", "新的来源说明。")
    edit(recorded / "about.en.md", "About the source.", "About the source, newly.")
    assert drift_problems(recorded) == []


def test_whitespace_alone_is_no_change(recorded: Path) -> None:
    edit(recorded / "about.en.md", "About the source.", "About   the\nsource.\n")
    assert drift_problems(recorded) == []
    assert fingerprint("a  b\n c") == fingerprint("a b c")


def test_accepting_the_section_clears_the_warning(recorded: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    edit(recorded / "about.zh.md", "来源说明。", "来源说明，补充了一句。")
    record = (recorded / RECORD_FILE).read_text(encoding="utf-8")
    accept(recorded, f"{recorded / 'about.en.md'}#source")
    assert "1 unit(s) accepted" in capsys.readouterr().out
    assert drift_problems(recorded) == []
    changed = [line for line in (recorded / RECORD_FILE).read_text(encoding="utf-8").splitlines()
               if line not in record.splitlines()]
    assert len(changed) == 1 and changed[0].startswith("  source: {accepted:")


def test_accepting_the_page_by_either_language_file(recorded: Path) -> None:
    edit(recorded / "about.en.md", "title: About", "title: About us")
    assert "in the opening (title and text before the first heading)" in \
        drift_problems(recorded)[0]
    accept(recorded, str(recorded / "about.zh.md"))
    assert drift_problems(recorded) == []


def test_a_renamed_heading_id_asks_to_accept(recorded: Path) -> None:
    edit(recorded / "about.en.md", "{#source}", "{#origin}")
    problems = [p for p in drift_problems(recorded) if "#origin" in p]
    en = Diagnostics.display(recorded / "about.en.md")
    assert problems == [
        f"{en}:4:1: warning: section #origin is not in the translation record "
        f"({Diagnostics.display(recorded / RECORD_FILE)}), and #source no longer is in every "
        "language: if a heading id was renamed, give it the same new id in every language, "
        f"then run `duet translations --accept {en}`"]
    edit(recorded / "about.zh.md", "{#source}", "{#origin}")
    accept(recorded, str(recorded / "about.en.md"))
    assert drift_problems(recorded) == []
    assert "  source:" not in (recorded / RECORD_FILE).read_text(encoding="utf-8")


def test_a_new_section_asks_to_accept_it(recorded: Path) -> None:
    for name, text in (("about.zh.md", "\n## 新节 {#more}\n\n更多。\n"),
                       ("about.en.md", "\n## New {#more}\n\nMore.\n")):
        with (recorded / name).open("a", encoding="utf-8") as handle:
            handle.write(text)
    [message] = drift_problems(recorded)
    assert "about.zh.md:8:1: warning: section #more is new" in message
    assert message.endswith(f"--accept {Diagnostics.display(recorded / 'about.zh.md')}#more`")
    accept(recorded, str(recorded / "about.zh.md"), "#more")
    assert drift_problems(recorded) == []


def test_a_removed_section_asks_to_drop_it(recorded: Path) -> None:
    for name in ("about.zh.md", "about.en.md"):
        path = recorded / name
        path.write_text(path.read_text(encoding="utf-8").split("##")[0] + "Text.\n",
                        encoding="utf-8")
    [message] = drift_problems(recorded)
    assert "about: section #source is in the translation record but no longer in the content" \
        in message and message.startswith(Diagnostics.display(recorded / RECORD_FILE) + ":")
    accept(recorded, str(recorded / "about.zh.md"))
    assert drift_problems(recorded) == []


def test_data_text_drift(recorded: Path) -> None:
    edit(recorded / "data" / "glossary.yaml", "en: An area of Wuhan.", "en: A district of Wuhan.")
    [message] = drift_problems(recorded)
    path = Diagnostics.display(recorded / "data" / "glossary.yaml")
    assert message.startswith(f"{path}:5:16: warning: 'zh' may be behind 'en' in text "
                              f"optics-valley.explanation (en changed {TODAY});")
    accept(recorded, f"{path}#optics-valley")
    assert drift_problems(recorded) == []


def test_strict_makes_drift_an_error(recorded: Path, tmp_path: Path) -> None:
    edit(recorded / "about.zh.md", "来源说明。", "来源说明，补充了一句。")
    out = str(tmp_path / "out")
    relaxed = run_cli("--content", str(recorded), "--out", out)
    assert relaxed.returncode == 0 and "warning: 'en' may be behind 'zh'" in relaxed.stderr
    strict = run_cli("--content", str(recorded), "--out", out, "--strict")
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    assert "about.en.md:4:1: 'en' may be behind 'zh' in section #source" in strict.stderr


def test_the_command_lists_every_unit_and_accepts(mini_content: Path) -> None:
    content = str(mini_content)
    missing = run_cli("translations", "--content", content)
    assert missing.returncode == 0 and "no translation record" in missing.stdout
    assert run_cli("translations", "--content", content, "--accept-all").returncode == 0
    edit(mini_content / "about.zh.md", "来源说明。", "来源说明，补充了一句。")
    listed = run_cli("translations", "--content", content, "--all")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    about = lines.index(f"{Diagnostics.display(mini_content / 'about')}.{{zh,en}}.md")
    assert lines[about + 1].split() == ["_intro", "in", "step"]
    assert lines[about + 2].split() == ["source", "drifted:", "'en'", "may", "be", "behind",
                                        "'zh'"]
    assert "optics-valley.explanation" in listed.stdout
    assert lines[-1].startswith("10 unit(s): 1 drifted, 9 in step")
    wrong = run_cli("translations", "--content", content, "--accept",
                    str(mini_content / "about.en.md"), "#nowhere")
    assert wrong.returncode == 2 and "about has no unit 'nowhere'" in wrong.stderr
    assert run_cli("--accept-all").returncode == 2


def test_states(recorded: Path) -> None:
    edit(recorded / "about.zh.md", "来源说明。", "新的。")
    edit(recorded / "about.en.md", "About the source.", "New.")
    edit(recorded / "index.en.md", "and\nmore", "and much more")
    with (recorded / "topics" / "index.en.md").open("a", encoding="utf-8") as handle:
        handle.write("\n## Extra {#extra}\n\nMore.\n")
    diagnostics = Diagnostics()
    loaded = load_content(recorded, diagnostics, hook=SITE_HOOK)
    assert loaded is not None
    states = {(s.group, s.unit_id): s.state
              for s in check_translations(recorded, loaded, diagnostics, no_history).states}
    assert states[("about", "source")] == EDITED
    assert states[("index", "_intro")] == DRIFTED
    assert states[("topics/index", "extra")] == NEW


def test_a_malformed_record_is_reported_with_its_place(recorded: Path) -> None:
    (recorded / RECORD_FILE).write_text(
        "about:\n  source: {accepted: 2025-13-01, zh: nothex, fr: 0123456789ab}\n",
        encoding="utf-8")
    problems = drift_problems(recorded)
    path = Diagnostics.display(recorded / RECORD_FILE)
    assert f"{path}:2:22: '2025-13-01' is not a date: write it as YYYY-MM-DD" in problems
    assert any(p.startswith(f"{path}:2:38: expected the 12 hex digits") for p in problems)
    assert (f"{path}:2:46: unknown key 'fr' (expected 'accepted', 'log' or a language: zh, "
            "en)") in problems


def test_the_notice_shows_on_the_page_that_may_be_behind(recorded: Path,
                                                        tmp_path: Path) -> None:
    with (recorded / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write("translation_notice: true\n")
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(recorded, out, strict=False, cache_dir=cache)
    assert b"translation-notice" not in (out / "en" / "about" / "index.html").read_bytes()
    edit(recorded / "about.zh.md", "来源说明。", "来源说明，补充了一句。")
    result = build(recorded, out, strict=False, cache_dir=cache)
    assert len(result.warnings) == 1
    accepted = dt.date.today()
    english = (out / "en" / "about" / "index.html").read_text(encoding="utf-8")
    assert ("This translation was last checked against the Chinese text of "
            f'<time datetime="{accepted.isoformat()}">') in english
    assert "translation-notice" not in (out / "zh" / "about" / "index.html").read_text(
        encoding="utf-8")
    edit(recorded / "about.zh.md", "来源说明，补充了一句。", "来源说明。")
    edit(recorded / "about.en.md", "About the source.", "About the source, again.")
    build(recorded, out, strict=False, cache_dir=cache)
    chinese = (out / "zh" / "about" / "index.html").read_text(encoding="utf-8")
    assert "本页译文最后一次核对的是<time" in chinese and "的英语版本。" in chinese
    clean = tmp_path / "clean"
    build(recorded, clean, strict=False)
    for page in ("zh/about/index.html", "en/about/index.html", "zh/index.html"):
        assert (out / page).read_bytes() == (clean / page).read_bytes()


def test_the_notice_is_off_unless_site_yaml_turns_it_on(recorded: Path, tmp_path: Path) -> None:
    edit(recorded / "about.zh.md", "来源说明。", "来源说明，补充了一句。")
    with pytest.raises(ContentError):
        build(recorded, tmp_path / "strict")
    build(recorded, tmp_path / "out", strict=False)
    assert b"translation-notice" not in (tmp_path / "out" / "en" / "about" /
                                         "index.html").read_bytes()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_with_git_the_warning_names_the_commit(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini" / "content", repo / "content")
    content = repo / "content"
    accept(content)

    def git(*args: str) -> str:
        return subprocess.run(["git", "-c", "user.name=Editor", "-c", "user.email=e@example.org",
                               *args], cwd=repo, check=True, capture_output=True,
                              text=True).stdout.strip()

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "content")
    edit(content / "about.zh.md", "来源说明。", "来源说明，补充了一句。")
    [uncommitted] = drift_problems(content, file_history)
    assert f"(zh changed {TODAY}, not committed yet)" in uncommitted
    git("commit", "-qam", "zh: one more sentence")
    commit, day = git("log", "-1", "--format=%h %cs").split()
    [committed] = drift_problems(content, file_history)
    assert f"(zh changed {day} in {commit})" in committed


def test_without_git_the_record_alone_is_enough(recorded: Path) -> None:
    """The mini copy lives outside any repository: the date is the file's."""
    edit(recorded / "about.zh.md", "来源说明。", "来源说明，补充了一句。")
    [message] = drift_problems(recorded, file_history)
    assert f"(zh changed {TODAY});" in message


def test_a_record_edited_by_hand_in_another_yaml_form_still_reads(recorded: Path) -> None:
    path = recorded / RECORD_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    block = []
    for line in lines:
        if line.startswith("  ") and "{" in line:
            key, _, fields = line.strip().partition(": ")
            block.append(f"  '{key}':")
            block += [f"    {field}" for field in fields.strip("{}").split(", ")]
        else:
            block.append(line)
    path.write_text("\n".join(block) + "\n", encoding="utf-8")
    assert drift_problems(recorded) == []
    edit(recorded / "about.zh.md", "来源说明。", "来源说明，补充了一句。")
    assert len(drift_problems(recorded)) == 1
