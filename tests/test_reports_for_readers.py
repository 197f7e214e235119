"""The adaptation report and the three-way (merge) report, as reviewers read them: titled with the
process, versions and municipality (never a local path), landmarks, no command lines, and no
axe-core violation of any impact in headless Chromium."""

import re

import pytest

from procex.bpmn import edit
from procex.bpmn.merge import diff3
from procex.bpmn.merge_report import html_report
from procex.bpmn.model import Model
from procex.exchange.workspace.adaptation_diff import adaptation_report, diff_process
from tests.models import UPSTREAM
from tests.workspaces import workspace_with_adaptation


def adaptation_html(tmp_path, lang="de"):
    ws = workspace_with_adaptation(tmp_path)
    attributed, diff = diff_process(ws, "gewerbe")
    return adaptation_report(ws, "gewerbe", attributed, diff, lang)


def merge_html(tmp_path, lang="de"):
    base = Model.from_bytes(UPSTREAM, "base.bpmn")
    local = base.copy()
    edit.rename(local, "Senden", "Bescheinigung per De-Mail senden")
    upstream = base.copy()
    edit.rename(upstream, "Senden", "Bescheinigung elektronisch senden")  # a conflict with LOCAL
    edit.set_documentation(upstream, "Erfassen", "IT-System: GewAn, Version 2.")
    paths = (tmp_path / "a" / "base.bpmn", tmp_path / "a" / "local.bpmn", tmp_path / "a" / "upstream.bpmn")
    return html_report(diff3(base, local, upstream), lang, paths)


def test_adaptation_report_title_names_process_versions_and_municipality(tmp_path):
    html = adaptation_html(tmp_path)
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert title == "Vergleich: Gewerbe, trier/gewerbe@1.0.0 (Original) → Stadt Koblenz (lokale Anpassung)"
    assert str(tmp_path) not in html
    english = adaptation_html(tmp_path / "en", "en")
    assert "trier/gewerbe@1.0.0 (original) → Stadt Koblenz (local adaptation)" in english


def test_merge_report_names_files_not_folders(tmp_path):
    html = merge_html(tmp_path)
    assert str(tmp_path) not in html
    # The model names no process, so the report is titled with its pool.
    assert "<title>Dreiwege-Vergleich: Stadt Trier, local.bpmn / upstream.bpmn</title>" in html
    assert "BASE: base.bpmn · LOCAL: local.bpmn · UPSTREAM: upstream.bpmn" in html
    assert html.count("<main") == 1 and '<html lang="de">' in html


def test_reports_hold_no_command_lines(tmp_path):
    for html in (adaptation_html(tmp_path / "d"), merge_html(tmp_path / "m"), merge_html(tmp_path / "e", "en")):
        assert "procex " not in html


@pytest.mark.parametrize("lang", ["de", "en"])
def test_adaptation_and_merge_reports_pass_axe_core_without_any_violation(tmp_path, lang):
    from tests.browser import axe_violations, chromium

    pages = {"adaptation": adaptation_html(tmp_path / "ws", lang), "merge": merge_html(tmp_path / "m", lang)}
    driver = chromium()
    try:
        for name, html in pages.items():
            path = tmp_path / f"{name}-{lang}.html"
            path.write_text(html, "utf-8")
            driver.get(path.as_uri())
            assert axe_violations(driver) == [], name
    finally:
        driver.quit()
