"""README's set-up commands are the ones CI runs."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_ci_runs_the_test_command_written_in_readme():
    readme = (REPO / "README.md").read_text("utf-8")
    ci = (REPO / ".ci" / "run").read_text("utf-8").strip().splitlines()[-1]
    assert f"```sh\n{ci}\n```" in readme


def test_readme_links_resolve():
    import re

    for name in ("README.md", "README.zh-CN.md", "README.zh-TW.md"):
        text = (REPO / name).read_text("utf-8")
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if not target.startswith("http"):
                assert (REPO / target).exists(), f"{name}: {target}"


def test_docs_rules_md_is_generated_from_the_registry():
    from plancode.rules import catalogue_markdown

    assert (REPO / "docs" / "rules.md").read_text("utf-8") == catalogue_markdown(), (
        "regenerate: plancode rules --format markdown > docs/rules.md")


# --- the three READMEs ----------------------------------------------------------------------
# README.zh-TW.md is written by hand; README.zh-CN.md is made from it (OpenCC t2s and the
# catalogue's mainland terms, as plancode's own messages are), except its finding example,
# which is plancode's real zh-CN output. Regenerate: `python tests/test_readme.py`.

FINDING_FILE, FINDING_LINE = "plans/2024/workstreams/douyin-live.yaml", "  - id: script\n    name: 直播腳本策劃\n    owner:"


def finding_example(locale: str, tmp: Path) -> str:
    """What `plancode check` prints for the README's example mistake (`onwer:`) in the
    examples, in ``locale``: the finding and its fix, as the READMEs show them."""
    import shutil
    import subprocess
    import sys

    shutil.copytree(REPO / "plans", tmp / "plans")
    shutil.copy(REPO / "plancode.yaml", tmp)
    path = tmp / FINDING_FILE
    text = path.read_text("utf-8")
    assert text.count(FINDING_LINE) == 1
    path.write_text(text.replace(FINDING_LINE, FINDING_LINE.replace("owner:", "onwer:")), "utf-8")
    done = subprocess.run([sys.executable, "-m", "plancode", "check", "--locale", locale], cwd=tmp,
                          capture_output=True, text=True)
    lines = done.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if " PC101 " in line)
    return "\n".join(lines[first:first + 2]) + "\n"


def _text_block(readme: str) -> str:
    start = readme.index("```text\n") + len("```text\n")
    return readme[start:readme.index("```", start)]


def simplified_readme(traditional: str, finding: str) -> str:
    from plancode.i18n import simplified

    converted = simplified(traditional)
    return converted.replace(_text_block(converted), finding, 1)


@pytest.mark.parametrize(("name", "locale"), [("README.md", "en"), ("README.zh-TW.md", "zh-TW"),
                                              ("README.zh-CN.md", "zh-CN")])
def test_each_readme_shows_the_finding_plancode_prints(name, locale, tmp_path):
    assert _text_block((REPO / name).read_text("utf-8")) == finding_example(locale, tmp_path)


def test_the_simplified_readme_is_made_from_the_traditional_one(tmp_path):
    expected = simplified_readme((REPO / "README.zh-TW.md").read_text("utf-8"), finding_example("zh-CN", tmp_path))
    assert (REPO / "README.zh-CN.md").read_text("utf-8") == expected, "regenerate: python tests/test_readme.py"


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        made = simplified_readme((REPO / "README.zh-TW.md").read_text("utf-8"),
                                 finding_example("zh-CN", Path(folder)))
    (REPO / "README.zh-CN.md").write_text(made, "utf-8")
