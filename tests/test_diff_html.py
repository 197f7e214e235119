"""The HTML diff report: self-contained, highlights in both diagrams, table rows link to elements.

Checked in headless Chromium (Debian's chromium + chromedriver through selenium): skipped when they
are missing, but never when CI=true.
"""

import re

import pytest

from procex.bpmn import diff_view, edit
from procex.bpmn.diff import diff_models
from procex.bpmn.model import Model
from procex.bpmn.report_html import diff_report
from tests import diff_viewer_checks as checks
from tests.browser import chromium
from tests.conftest import REPO
from tests.models import MODEL, two_diagram_model


@pytest.fixture
def report():
    old = Model.from_bytes(MODEL.encode(), "alt.bpmn")
    new = old.copy()
    edit.rename(new, "check", "Antrag sichten")  # changed in both
    edit.remove_element(new, "late")  # removed: old diagram
    edit.add_flow_node(new, "proc", "userTask", "Bescheid erstellen", ident="notice", lane_id="lane_b")  # added
    bounds = new.shapes_of("end")[0].el.find("{http://www.omg.org/spec/DD/20100524/DC}Bounds")
    bounds.set("y", "210")  # layout only
    new.reindex()
    diff = diff_models(old, new)
    diff.old_path, diff.new_path = "/home/sachbearbeitung/modelle/alt.bpmn", "/tmp/x/neu.bpmn"
    return diff_report(diff)


def test_report_is_self_contained_and_german(report):
    assert report.startswith("<!DOCTYPE html>") and '<html lang="de">' in report
    assert not re.search(r'(src|href)="(https?:)?//', report)
    # one inline script, the viewer, which loads nothing
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", report, re.S)
    assert len(scripts) == 1 and scripts[0][0] == "" and scripts[0][1] == diff_view.script()
    assert not re.search(r"fetch\(|XMLHttpRequest|import\(|https?://", diff_view.script())
    # the title names the process and the versions (file names, never their folders)
    assert "<title>Vergleich: Stadt Trier, alt.bpmn → neu.bpmn</title>" in report
    assert (
        "4 inhaltliche Änderungen: 1 hinzugefügt, 2 entfernt, 1 umbenannt; 1 nur Layout" in report
        and "hinzugefügt" in report
        and "Änderung</th>" in report
    )


def test_highlight_classes_and_links_in_the_markup(report):
    assert re.search(r'<g class="[^"]*diff-added"[^>]*id="new0-el-notice"', report)
    assert re.search(r'<g class="[^"]*diff-removed"[^>]*id="old0-el-late"', report)
    assert re.search(r'<g class="[^"]*diff-changed"[^>]*id="old0-el-check"', report)
    assert re.search(r'<g class="[^"]*diff-changed"[^>]*id="new0-el-check"', report)
    assert re.search(r'<g class="[^"]*diff-layout"[^>]*id="new0-el-end"', report)
    ids = re.findall(r'\sid="([^"]+)"', report)
    assert len(ids) == len(set(ids)), "DOM ids must be unique across both diagrams"
    for target in re.findall(r'href="#([^"]+)"', report):
        assert target in ids


def test_model_without_diagram_gets_table_and_note():
    text = re.sub(r"<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", "", MODEL, flags=re.S)
    old = Model.from_bytes(text.encode(), "ohne-di.bpmn")
    new = old.copy()
    edit.rename(new, "check", "Antrag sichten")
    html = diff_report(diff_models(old, new))
    assert html.count("kein Diagramm (BPMNDI)") == 2
    assert 'id="change-1"' in html and "Antrag sichten" in html and 'class="bpmn-diagram"' not in html


def _browser(width=1600, height=1200, javascript=True):
    return chromium(width, height, javascript=javascript)


def test_report_in_headless_chromium(report, tmp_path):
    path = tmp_path / "bericht.html"
    path.write_text(report, encoding="utf-8")
    browser = _browser()
    try:
        browser.get(path.as_uri())
        found = browser.execute_script("""
            const q = s => Array.from(document.querySelectorAll(s)).map(e => e.dataset.elementId);
            const box = id => { const e = document.getElementById(id); const r = e.getBoundingClientRect();
                                return [r.width, r.height]; };
            const halo = s => getComputedStyle(document.querySelector(s)).stroke;
            return {
              added: q('#new .diff-added'), removed: q('#old .diff-removed'),
              changedOld: q('#old .diff-changed'), changedNew: q('#new .diff-changed'),
              layout: q('#new .diff-layout'), rows: document.querySelectorAll('tbody tr').length,
              shownRows: [...document.querySelectorAll('tbody tr')].filter(r => r.offsetHeight > 0).length,
              haloColour: halo('#new0-el-notice .halo'), layoutHalo: getComputedStyle(
                document.querySelector('#new0-el-end .halo')).display,
              boxNotice: box('new0-el-notice'), boxLate: box('old0-el-late'),
              sideBySide: document.getElementById('old').getBoundingClientRect().right
                          <= document.getElementById('new').getBoundingClientRect().left,
            };""")
        assert found["added"] == ["notice"]
        assert sorted(found["removed"]) == ["f6", "late"]
        assert found["changedOld"] == ["check"] and found["changedNew"] == ["check"]
        assert found["layout"] == ["end"]
        assert found["rows"] == 5 and found["shownRows"] == 4  # layout only: listed, shown on request
        assert found["haloColour"] == "rgb(26, 127, 55)" and found["layoutHalo"] == "none"
        assert min(found["boxNotice"]) > 10 and min(found["boxLate"]) > 10
        assert found["sideBySide"]
        checks.no_duplicate_ids(browser)
        names = checks.diagrams_have_their_own_names(browser)
        assert names[0][0] == "vorher: alt.bpmn" and names[1][0] == "nachher: neu.bpmn"
        checks.default_view_shows_first_change(browser)
        # choosing a change (the removed end event, drawn in the old diagram only) centres it in both
        row = browser.find_element("css selector", "tr[data-old-id=late]")
        checks.choosing_a_change_centres_it(browser, row)
        row = browser.find_element("css selector", "tr[data-old-id=check]")
        old_id, new_id, _ = checks.choosing_a_change_centres_it(browser, row)
        checks.keyboard_zooms_and_pans(browser, old_id, new_id)
        # a table row's link shows the element it names the same way
        browser.find_element("css selector", 'a[href="#old0-el-late"]').click()
        assert "dv-focus" in browser.find_element("id", "old0-el-late").get_attribute("class")
        # layout-only changes on request: the mark and the table row appear
        browser.find_element("css selector", ".dv-toolbar input[type=checkbox]").click()
        assert (
            browser.execute_script("return getComputedStyle(document.querySelector('#new0-el-end .halo')).display")
            != "none"
        )
        assert browser.find_element("css selector", "tr.kind-layout").is_displayed()
        # one diagram: the new one, with the removed elements drawn in from the old one
        browser.find_element("xpath", "//div[@class='dv-toolbar']/button[text()='Ein Diagramm']").click()
        single = browser.execute_script("""
            const ghosts = [...document.querySelectorAll('#new .dv-ghost')].map(g => g.dataset.elementId);
            return {ghosts: ghosts.sort(), oldShown: document.getElementById('old').offsetWidth > 0,
                    added: document.querySelectorAll('#new .diff-added').length,
                    changed: document.querySelectorAll('#new .diff-changed').length};""")
        assert single == {"ghosts": ["f6", "late"], "oldShown": False, "added": 1, "changed": 1}
        checks.no_duplicate_ids(browser)
        assert checks.accessibility_violations(browser) == []
    finally:
        browser.quit()


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)])
def test_report_of_the_example_versions_reads_at_laptop_and_phone_size(tmp_path, size):
    """Trier's Gewerbeanmeldung 1.0.0 against 1.1.0: too many changes to fit readable, so the view
    starts at the first change, readable; screenshots go to test-artifacts/."""
    examples = REPO / "exchange" / "examples"
    old = Model.from_bytes((examples / "trier" / "gewerbeanmeldung.bpmn").read_bytes(), "1.0.0/gewerbeanmeldung.bpmn")
    new = Model.from_bytes(
        (examples / "trier-v2" / "gewerbeanmeldung.bpmn").read_bytes(), "1.1.0/gewerbeanmeldung.bpmn"
    )
    html = diff_report(diff_models(old, new), old_label="1.0.0", new_label="1.1.0")
    assert "<title>Vergleich: Gewerbeanmeldung, 1.0.0 → 1.1.0</title>" in html
    path = tmp_path / "bericht.html"
    path.write_text(html, encoding="utf-8")
    browser = _browser(*size)
    try:
        browser.get(path.as_uri())
        checks.default_view_shows_first_change(browser)
        checks.no_duplicate_ids(browser)
        assert browser.execute_script("return document.documentElement.scrollWidth") <= size[0]
        artifacts = REPO / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        browser.save_screenshot(str(artifacts / f"report-{size[0]}x{size[1]}.png"))
        assert checks.accessibility_violations(browser) == []
    finally:
        browser.quit()


def test_report_of_models_made_apart_says_how_it_paired_and_lists_possible_counterparts(tmp_path):
    from procex.bpmn.model import read_model

    folder = REPO / "tests" / "fixtures" / "independent" / "hundesteuer"
    diff = diff_models(read_model(folder / "a.bpmn"), read_model(folder / "b.bpmn"))
    assert diff.matching.lineage["mode"] == "independent" and diff.matching.possible
    html = diff_report(diff)
    assert '<p class="pairing">Paarung: unabhängig erstellte Modelle (' in html
    possible = re.findall(r'<tr class="possible" data-old-id="([^"]+)" data-new-id="([^"]+)"', html)
    assert possible == [(p.old_id, p.new_id) for p in diff.matching.possible]
    likely = [p for p in diff.matching.pairs if p.confidence == "likely"]
    assert html.count("(wahrscheinlich zugeordnet)") == sum(
        1 for c in diff.changes if any((c.old_id, c.new_id) == (p.old_id, p.new_id) for p in likely)
    )
    # a possible counterpart can be shown in both diagrams like a change
    path = tmp_path / "bericht.html"
    path.write_text(html, encoding="utf-8")
    browser = _browser()
    try:
        browser.get(path.as_uri())
        row = browser.find_element("css selector", "tr.possible")
        checks.choosing_a_change_centres_it(browser, row)
        checks.no_duplicate_ids(browser)
    finally:
        browser.quit()


def test_report_zooms_by_wheel_and_pinch_and_pans_by_drag(report, tmp_path):
    """The pointer ways of moving the view, both diagrams alike: the wheel zooms by 1.25 a notch,
    dragging moves the drawing with the pointer, two fingers spreading to twice the distance zoom 2×."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions.wheel_input import ScrollOrigin

    path = tmp_path / "bericht.html"
    path.write_text(report, encoding="utf-8")
    browser = _browser()
    try:
        browser.get(path.as_uri())

        def at():
            return browser.execute_script(checks.OFFSETS, "check", "check")

        canvas = browser.find_element("css selector", ".dv-side[data-side=new] .dv-canvas")
        start = at()
        ActionChains(browser).scroll_from_origin(ScrollOrigin.from_element(canvas), 0, -120).perform()
        zoomed = at()
        for side in ("old", "new"):
            assert abs(zoomed[side]["width"] / start[side]["width"] - 1.25) < 0.02, (start, zoomed)
        ActionChains(browser).move_to_element_with_offset(canvas, 100, 100).click_and_hold().move_by_offset(
            -50, -30
        ).release().perform()
        dragged = at()
        for side in ("old", "new"):
            assert abs(dragged[side]["dx"] - (zoomed[side]["dx"] - 50)) < 1.5, (zoomed, dragged)
            assert abs(dragged[side]["dy"] - (zoomed[side]["dy"] - 30)) < 1.5, (zoomed, dragged)
        box = canvas.rect
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

        def touch(kind, spread):
            points = [{"x": cx - spread, "y": cy, "id": 1}, {"x": cx + spread, "y": cy, "id": 2}]
            browser.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

        touch("touchStart", 40)
        for spread in (50, 60, 70, 80):
            touch("touchMove", spread)
        browser.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        pinched = at()
        for side in ("old", "new"):
            assert abs(pinched[side]["width"] / dragged[side]["width"] - 2) < 0.05, (dragged, pinched)
    finally:
        browser.quit()


def _same_place(now, before):
    """The element is where it was, as large as it was, in every diagram that draws it."""
    return len(now) == len(before) and all(
        abs(a[key] - b[key]) < 0.5 for a, b in zip(now, before, strict=True) for key in ("dx", "dy", "width")
    )


def test_every_diagram_of_a_report_zooms_with_its_own_controls(tmp_path):
    """A model of two diagrams: each pair of diagrams (old and new of one number) zooms, pans and
    centres a change on its own, with its own buttons, the other pair staying where it is."""
    old = Model.from_bytes(two_diagram_model().encode(), "alt.bpmn")
    new = old.copy()
    edit.rename(new, "check", "Antrag sichten")  # in the first diagram
    edit.rename(new, "book", "Zahlung in der Finanzsoftware buchen")  # in the second
    html = diff_report(diff_models(old, new))
    path = tmp_path / "bericht.html"
    path.write_text(html, encoding="utf-8")
    browser = _browser()
    try:
        browser.get(path.as_uri())
        state = browser.execute_script("""
            const canvases = [...document.querySelectorAll('.dv-canvas')];
            return {canvases: canvases.map(c => [c.closest('.dv-side').dataset.side, c.dataset.dvPane,
                                                  c.querySelector('svg').getAttribute('viewBox'), c.clientHeight]),
                    toolbars: [...document.querySelectorAll('.dv-pane-toolbar')].map(t =>
                      [t.closest('.dv-side').dataset.side, t.nextElementSibling.dataset.dvPane,
                       t.querySelectorAll('button').length, t.getAttribute('aria-label')])};""")
        assert [c[:2] for c in state["canvases"]] == [["old", "0"], ["old", "1"], ["new", "0"], ["new", "1"]]
        assert all(c[3] > 300 for c in state["canvases"])  # each one a zoomable box, not drawn at full size
        assert [t[:3] for t in state["toolbars"]] == [["old", "1", 3], ["new", "1", 3]]
        assert state["toolbars"][0][3] != state["toolbars"][1][3]  # each names its own diagram
        checks.no_duplicate_ids(browser)
        # the second diagrams start at their change, readable, like the first
        start = browser.execute_script(checks.PANE_OFFSETS, "book")
        assert {(s["side"], s["pane"]) for s in start} == {("old", "1"), ("new", "1")}
        assert all(s["inside"] and s["height"] >= 60 for s in start), start  # an 80 px task at >= 0.75
        first = browser.execute_script(checks.PANE_OFFSETS, "check")
        # keyboard in the second diagram zooms both second diagrams, not the first ones
        canvas = browser.find_element("css selector", ".dv-side[data-side=new] .dv-canvas[data-dv-pane='1']")
        canvas.send_keys("+")
        zoomed = browser.execute_script(checks.PANE_OFFSETS, "book")
        for before, after in zip(start, zoomed, strict=True):
            assert abs(after["width"] / before["width"] - 1.25) < 0.02, (before, after)
        assert _same_place(browser.execute_script(checks.PANE_OFFSETS, "check"), first)
        # its own buttons: − zooms back out
        browser.find_element("css selector", ".dv-side[data-side=old] .dv-pane-toolbar button").click()
        back = browser.execute_script(checks.PANE_OFFSETS, "book")
        for before, after in zip(start, back, strict=True):
            assert abs(after["width"] - before["width"]) < 0.5
        # the main toolbar's + zooms the first diagrams only
        browser.find_element("xpath", "//div[@class='dv-toolbar']//button[text()='+']").click()
        assert abs(browser.execute_script(checks.PANE_OFFSETS, "check")[0]["width"] / first[0]["width"] - 1.25) < 0.02
        assert _same_place(browser.execute_script(checks.PANE_OFFSETS, "book"), back)
        # choosing the change in the second diagram centres it there, in both
        browser.execute_script("document.querySelector('tr[data-old-id=book]').scrollIntoView()")
        browser.find_element("css selector", "tr[data-old-id=book] button.dv-show").click()
        shown = browser.execute_script(checks.PANE_OFFSETS, "book")
        assert len(shown) == 2 and all(abs(s["dx"]) <= 2 and abs(s["dy"]) <= 2 for s in shown), shown
        assert len(browser.find_elements("css selector", "g.dv-focus[data-element-id=book]")) == 2
        # the one-diagram view draws the second diagram's removals into it too, and keeps it zoomable
        browser.find_element("xpath", "//div[@class='dv-toolbar']/button[text()='Ein Diagramm']").click()
        assert browser.execute_script(
            "return document.querySelector('.dv-side[data-side=new] .dv-pane-toolbar').offsetWidth > 0"
        )
        checks.no_duplicate_ids(browser)
        assert checks.accessibility_violations(browser) == []
    finally:
        browser.quit()


def test_report_without_javascript_keeps_diagrams_and_table(report, tmp_path):
    """With scripts off the report is still whole: both diagrams drawn at their size (scrolling in
    their boxes), their marks, and every row of the table."""
    path = tmp_path / "bericht.html"
    path.write_text(report, encoding="utf-8")
    browser = _browser(javascript=False)
    try:
        browser.get(path.as_uri())
        state = browser.execute_script("""
            const svg = side => document.querySelector(`#${side} svg.bpmn-diagram`);
            return {live: !!document.querySelector('.dv-live, .dv-toolbar, button.dv-show'),
                    widths: ['old', 'new'].map(s => svg(s).getBoundingClientRect().width),
                    natural: ['old', 'new'].map(s => parseFloat(svg(s).getAttribute('width'))),
                    added: [...document.querySelectorAll('#new g.diff-added')].map(g => g.dataset.elementId),
                    rows: [...document.querySelectorAll('tbody tr')].filter(r => r.offsetHeight > 0).length};""")
        assert not state["live"]
        for width, natural in zip(state["widths"], state["natural"], strict=True):
            assert width >= natural - 1  # drawn size: 12 px labels
        assert state["added"] == ["notice"] and state["rows"] == 5
    finally:
        browser.quit()
