"""The HTML diff report: self-contained, highlights in both diagrams, table rows link to elements.

Checked in headless Chromium (Debian's chromium + chromedriver through selenium): skipped when they
are missing, but never when CI=true.
"""

import re
import shutil

import pytest

from procex.bpmn import edit
from procex.bpmn.diff import diff_models
from procex.bpmn.model import Model
from procex.bpmn.report_html import diff_report
from tests.conftest import IN_CI
from tests.test_diff import MODEL


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
    return diff_report(diff_models(old, new))


def test_report_is_self_contained_and_german(report):
    assert report.startswith("<!DOCTYPE html>") and '<html lang="de">' in report
    assert not re.search(r'(src|href)="(https?:)?//', report)
    assert "<script" not in report
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
    assert 'id="change-1"' in html and "Antrag sichten" in html and "<svg" not in html


def _browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        if IN_CI:
            pytest.fail("chromium and chromedriver are required in CI")
        pytest.skip("chromium/chromedriver not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1600,1200",
    ):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(driver), options=options)


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
            return {
              added: q('#new .diff-added'), removed: q('#old .diff-removed'),
              changedOld: q('#old .diff-changed'), changedNew: q('#new .diff-changed'),
              layout: q('#new .diff-layout'), rows: document.querySelectorAll('tbody tr').length,
              haloColour: getComputedStyle(document.querySelector('#new0-el-notice .halo')).stroke,
              boxNotice: box('new0-el-notice'), boxLate: box('old0-el-late'),
              sideBySide: document.getElementById('old').getBoundingClientRect().right
                          <= document.getElementById('new').getBoundingClientRect().left,
            };""")
        assert found["added"] == ["notice"]
        assert sorted(found["removed"]) == ["f6", "late"]
        assert found["changedOld"] == ["check"] and found["changedNew"] == ["check"]
        assert found["layout"] == ["end"]
        assert found["rows"] == 5  # added, 2 removed, renamed, layout
        assert found["haloColour"] == "rgb(26, 127, 55)"
        assert min(found["boxNotice"]) > 10 and min(found["boxLate"]) > 10
        assert found["sideBySide"]
        # a table row's link scrolls to the element it names
        browser.find_element("css selector", 'a[href="#old0-el-late"]').click()
        assert browser.execute_script("return location.hash") == "#old0-el-late"
    finally:
        browser.quit()
