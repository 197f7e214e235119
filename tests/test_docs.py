"""The README and the guides in docs/ document every command and every option: a command without an
example there, or an option they never name where they describe that command, fails these tests.
The generated pages (docs/cli.md, docs/rules/) must be what docs/generate.py writes today."""

import json
import re

import click

from procex.cli import procex

from .conftest import REPO


def commands(group, prefix="procex"):
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from commands(command, path)
        else:
            yield path


def command_objects(group, prefix=()):
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if isinstance(command, click.Group):
            yield from command_objects(command, path)
        else:
            yield path, command


GENERATED = ("cli.md",)


def readme_text():
    """The README and the hand-written guides in docs/ (not the generated --help reference)."""
    guides = sorted(p for p in (REPO / "docs").glob("*.md") if p.name not in GENERATED)
    readme = "\n\n".join(p.read_text("utf-8") for p in [REPO / "README.md", *guides])
    # `procex admin --db URL member add` is written with its option in the middle
    return re.sub(r"procex admin --db \S+ ", "procex admin ", readme)


def test_every_command_has_an_example_in_the_readme():
    normalised = readme_text()
    missing = [path for path in commands(procex) if path not in normalised]
    assert missing == [], f"README has no example for: {', '.join(missing)}"


def readme_units(text):
    """The README cut where a reader takes one statement: each line of a code block, each
    paragraph, list item run or table. A paragraph ending in ':' introduces the block after it
    ("Options of `procex diff`:" and its table), so the two form one unit."""
    units, block, fenced = [], [], False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            if block:
                units.append("\n".join(block))
                block = []
            fenced = not fenced
            continue
        if fenced:
            units.append(line)
        elif line.strip():
            block.append(line)
        elif block:
            units.append("\n".join(block))
            block = []
    if block:
        units.append("\n".join(block))
    joined = []
    for unit in units:
        if joined and joined[-1].rstrip().endswith(":") and not joined[-1].startswith(("procex", "#")):
            joined[-1] += "\n" + unit
        else:
            joined.append(unit)
    return joined


def names_command(unit, path):
    """Does this part of the README speak of the command? An example (`procex diff …`) or the
    command written as code or in bold (`` `outdated` ``, `` `update NAME` ``, **match-keys**)."""
    if re.search(r"procex " + re.escape(" ".join(path)) + r"(?![\w-])", unit):
        return True
    forms = {" ".join(path), " ".join(path[-2:]), path[-1]}
    return any(re.search(r"(?:`|\*\*)" + re.escape(form) + r"(?=[\s`*])", unit) for form in forms)


def test_every_option_is_named_where_the_readme_describes_its_command():
    units = readme_units(readme_text())
    missing = []
    for path, command in command_objects(procex):
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            spellings = [re.escape(o) + r"(?![\w-])" for o in param.opts]
            if not any(names_command(unit, path) and any(re.search(s, unit) for s in spellings) for unit in units):
                missing.append(f"procex {' '.join(path)} {max(param.opts, key=len)}")
    assert missing == [], "README never names these options beside their command: " + ", ".join(missing)


def test_the_option_check_finds_a_missing_option():
    units = readme_units(
        "`status` reads only the workspace (`--json` for scripts).\n\n"
        "`outdated` (`--json`, `--lang en`) lists newer versions.\n"
    )
    assert any(names_command(u, ("status",)) and "--json" in u for u in units)
    assert not any(names_command(u, ("status",)) and "--lang" in u for u in units)
    assert not names_command("procex diff3 a b c", ("diff",))


def test_the_manifest_example_follows_the_schema():
    from procex.exchange.library.package import manifest_problems

    readme = (REPO / "docs" / "formats.md").read_text("utf-8")
    section = readme.split("## Package manifest", 1)[1]
    example = json.loads(section.split("```json", 1)[1].split("```", 1)[0].replace("…64 hex…", "0" * 64))
    assert manifest_problems(example) == []
    # the demo's story: Koblenz's adaptation, derived from Trier's process
    assert example["publisher"] == "koblenz" and example["derived_from"]["ref"].startswith("trier/")


def test_every_command_has_help_text():
    for path in commands(procex):
        parts = path.split()[1:]
        command = procex
        for part in parts:
            command = command.commands[part]
        assert command.help and len(command.help.strip()) > 20, f"{path} has no help text"


def test_generated_pages_are_up_to_date():
    """docs/cli.md and docs/rules/*.md are what `make docs` writes from the commands and the rules."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate_docs", REPO / "docs" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    stale = [
        str(path.relative_to(REPO))
        for path, text in generate.pages().items()
        if not path.exists() or path.read_text("utf-8") != text
    ]
    assert stale == [], f"run `make docs`: these generated pages are out of date: {', '.join(stale)}"
    pages = {p.name for p in (REPO / "docs" / "rules").glob("*.md")} - {"README.md"}
    from procex.bpmn.rules import registry

    assert pages == {f"{rule_id}.md" for rule_id in registry()}, "a rule page without a rule, or a rule without a page"


def test_every_rule_page_has_a_good_and_a_bad_example():
    from procex.bpmn.rules import registry

    for rule_id in registry():
        page = (REPO / "docs" / "rules" / f"{rule_id}.md").read_text("utf-8")
        assert "## Bad: `invalid-" in page and "## Good: `valid-" in page, rule_id
        bad = page.split("## Bad:", 1)[1].split("## Good:", 1)[0]
        assert "procex validate reports:\n\n- " in bad, f"{rule_id}: the bad example must produce a finding"
