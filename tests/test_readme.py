"""README's set-up commands are the ones CI runs."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_ci_runs_the_test_command_written_in_readme():
    readme = (REPO / "README.md").read_text("utf-8")
    ci = (REPO / ".ci" / "run").read_text("utf-8").strip().splitlines()[-1]
    assert f"```sh\n{ci}\n```" in readme


def test_readme_links_resolve():
    import re

    for name in ("README.md", "README.zh-CN.md"):
        text = (REPO / name).read_text("utf-8")
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if not target.startswith("http"):
                assert (REPO / target).exists(), f"{name}: {target}"


def test_docs_rules_md_is_generated_from_the_registry():
    from plancode.rules import catalogue_markdown

    assert (REPO / "docs" / "rules.md").read_text("utf-8") == catalogue_markdown(), (
        "regenerate: plancode rules --format markdown > docs/rules.md")
