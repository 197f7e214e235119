"""Known answers for the adaptation diff's causes: each detail names the rules that produced it.

The upstream model has a pool, a lane and two tasks; three mapping rules and one local edit touch
it. Every detail of every change must name exactly the rules (in the order they applied) that
explain its new value, or "local".
"""

from procex.exchange.workspace.adaptation_diff import diff_process, format_diff_text
from tests.workspaces import workspace_with_adaptation


def causes_of(result):
    return {
        (change["kind"], change.get("old_id"), detail["property"]): detail["cause"]
        for change in result["changes"]
        for detail in change.get("details") or []
    }


def test_every_detail_names_the_rules_that_produced_it(tmp_path):
    result, _ = diff_process(workspace_with_adaptation(tmp_path), "gewerbe")
    assert causes_of(result) == {
        ("renamed", "Pool", "name"): "mapping:stadt",
        # The name was changed by the system rule alone; the text rule changed only the documentation.
        ("renamed", "Erfassen", "name"): "mapping:register",
        # Both the system rule and the text rule rewrote this documentation, in this order.
        ("changed", "Erfassen", "documentation"): "mapping:register+stadt-text",
        ("changed", "Senden", "documentation"): "mapping:stadt-text",
        ("renamed", "Senden", "name"): "local",
    }
    by_element = {(c["kind"], c.get("old_id")): c["cause"] for c in result["changes"]}
    assert by_element == {
        ("renamed", "Pool"): "mapping:stadt",
        ("renamed", "Erfassen"): "mapping:register",
        ("changed", "Erfassen"): "mapping:register+stadt-text",
        ("changed", "Senden"): "mapping:stadt-text",
        ("renamed", "Senden"): "local",
    }
    assert result["causes"] == {
        "local": 1,
        "mapping:register": 1,
        "mapping:register+stadt-text": 1,
        "mapping:stadt": 1,
        "mapping:stadt-text": 1,
    }


def test_local_edit_over_a_mapped_value_is_local(tmp_path):
    ws = workspace_with_adaptation(tmp_path)
    path = ws.process_path("gewerbe")
    path.write_bytes(path.read_bytes().replace(b"Anzeige in VOIS erfassen", b"Anzeige im Register erfassen"))
    result, _ = diff_process(ws, "gewerbe")
    assert causes_of(result)[("renamed", "Erfassen", "name")] == "local"


def test_text_report_names_the_cause_on_each_detail(tmp_path):
    result, _ = diff_process(workspace_with_adaptation(tmp_path), "gewerbe")
    text = format_diff_text(result, lang="de")
    assert "(Name: „Anzeige in GewAn erfassen“ → „Anzeige in VOIS erfassen“ [Zuordnungsregel register])" in text
    assert "[Zuordnungsregeln register+stadt-text])" in text
    assert "(Name: „Bescheinigung senden“ → „Bescheinigung per De-Mail senden“ [lokale Bearbeitung])" in text
    english = format_diff_text(result, lang="en")
    assert "[mapping rules register+stadt-text])" in english and "[local edit])" in english


def test_html_report_names_the_cause_on_each_detail(tmp_path):
    from procex.exchange.workspace.adaptation_diff import write_diff_report

    ws = workspace_with_adaptation(tmp_path)
    html = write_diff_report(ws, "gewerbe", tmp_path / "report.html").read_text("utf-8")
    assert '<span class="detail-cause">[Zuordnungsregeln register+stadt-text]</span>' in html
    assert '<span class="detail-cause">[lokale Bearbeitung]</span>' in html


def test_element_cause_lists_the_rules_of_its_details():
    from procex.bpmn.diff_text import cause_words
    from procex.exchange.workspace.adaptation_diff import element_cause

    assert element_cause(["mapping:b+a", "mapping:a", "mapping:c"]) == "mapping:b+a+c"
    assert element_cause(["local", "local"]) == "local"
    assert element_cause([]) == "local"
    assert element_cause(["mapping:a", "local"]) == "mapping:a+local"
    assert cause_words("mapping:a+local", "de") == "Zuordnungsregel a und lokale Bearbeitung"
    assert cause_words("mapping:a+b", "en") == "mapping rules a+b"
