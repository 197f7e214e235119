"""Each lint rule on its own fixtures: it reports the expected elements on invalid-*.bpmn and
nothing on valid-*.bpmn, in German (the default) and in English. The fixtures
(tests/fixtures/rules/<rule-id>/) name the expected element ids in their leading comment
(``expect: Task_1``)."""

import re
from pathlib import Path

import pytest

from procex.bpmn import rules
from procex.bpmn.model import read_model
from procex.bpmn.validate import validate_model

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rules"
CASES = sorted(FIXTURES.glob("*/*.bpmn"))
_EXPECT = re.compile(r"expect:\s*([^\n]*?)\s*-->", re.S)


def expected_ids(path):
    match = _EXPECT.search(path.read_text(encoding="utf-8")[:600])
    return set(match.group(1).split()) if match else set()


def test_every_rule_has_valid_and_invalid_fixtures():
    for rule_id in rules.registry():
        names = [p.name for p in (FIXTURES / rule_id).glob("*.bpmn")]
        assert any(n.startswith("valid-") for n in names), f"{rule_id}: no valid fixture"
        assert any(n.startswith("invalid-") for n in names), f"{rule_id}: no invalid fixture"
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} == set(rules.registry())


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rule_on_fixture(path):
    rule_id = path.parent.name
    model = read_model(path)
    found = rules.run(model, {rule_id: "error"})
    assert all(f.code == rule_id and f.severity == "error" for f in found)
    if path.name.startswith("valid-"):
        assert found == [], [f.message for f in found]
    else:
        expect = expected_ids(path)
        assert expect, "an invalid fixture must name the elements it expects (expect: ...)"
        assert {f.element for f in found} == expect, [(f.element, f.message) for f in found]
        for f in found:
            assert f.line == model.get(f.element).line
            assert f.element in f.message or rule_id == "no-bpmndi"  # messages name the element
        english = rules.run(model, {rule_id: "error"}, lang="en")
        assert [(f.element, f.line) for f in english] == [(f.element, f.line) for f in found]
        for de, en in zip(found, english, strict=True):
            assert de.message != en.message and de.message[0].isupper(), de.message
            assert "{" not in de.message and "{" not in en.message  # every placeholder filled


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixtures_are_schema_and_reference_clean(path):
    """The fixtures are real BPMN: only the rule under test has something to say about them."""
    report = validate_model(read_model(path), rules="none")
    assert [f for f in report.findings if f.severity != "info"] == [], [str(f) for f in report.findings]


def test_rule_modules_document_themselves():
    for rule_id, rule in rules.registry().items():
        doc = rule.doc
        assert "Why:" in doc and "How to fix:" in doc, rule_id
        assert "Warum:" in rule.help("de") and "Abhilfe:" in rule.help("de"), rule_id
        assert rule.title("de") != rule.title("en"), rule_id
        used = {key for key in rule.module.MESSAGES if f'"{key}"' in _source_without_messages(rule.module)}
        assert used == set(rule.module.MESSAGES), f"{rule_id}: unused messages {set(rule.module.MESSAGES) - used}"
        assert rule.preset in ("correctness", "recommended", "all") and rule.severity in ("warn", "error")


def _source_without_messages(module):
    import inspect

    source = inspect.getsource(module)
    return source[source.index("\n}\n", source.index("MESSAGES = {")) :]


def test_german_element_names():
    from procex.bpmn.rules._util import Words, describe, say

    model = read_model(FIXTURES / "label-required" / "invalid-task.bpmn")
    task = model.get("Task_1")
    assert describe(task, lang="de") == "Aufgabe [Task_1]" and describe(task) == "task (Task_1)"
    table = {
        "m": {"de": "{node} ist {what}; {node:bare} / {node:kind}", "en": "{node} is {what}; {node:bare} / {node:kind}"}
    }
    assert (
        say(table, "m", "de", node=task, what=Words(de="neu", en="new"))
        == "Aufgabe [Task_1] ist neu; [Task_1] / Aufgabe"
    )
    assert say(table, "m", "en", node=task, what=Words(de="neu", en="new")) == "task (Task_1) is new; Task_1 / task"


def test_person_heuristics():
    from procex.bpmn.rules.person_named_lane import person_in

    assert person_in("Frau Schmidt") == "Frau Schmidt"
    assert person_in("Herr Dr. Meier") == "Herr Dr. Meier"
    assert person_in("Team Klaus Ehrlich") == "Klaus Ehrlich"
    assert person_in("Müller, Thomas") == "Müller, Thomas"
    for role in (
        "Sachbearbeitung Gewerbe",
        "Ordnungsamt",
        "Stadt Trier",
        "Frau Sachbearbeiterin",
        "Herr Bürgermeister",
        "Amt für Stadtentwicklung",
        "Bürgerbüro Koblenz",
        "",
    ):
        assert person_in(role) is None, role


def test_docs_list_every_rule_with_its_presets():
    readme = (Path(__file__).resolve().parent.parent / "docs" / "models.md").read_text(encoding="utf-8")
    for rule_id, rule in rules.registry().items():
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{rule_id}` |")), None)
        assert row, f"docs/models.md has no row for {rule_id}"
        cells = [c.strip() for c in row.strip("|").split("|")]
        marks = tuple(cells[1:4])
        expected = {"correctness": ("✓", "✓", "✓"), "recommended": ("", "✓", "✓"), "all": ("", "", "✓")}[rule.preset]
        assert marks == expected and cells[4] == rule.severity, row
