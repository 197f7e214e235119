"""procex render and bpmn.render: every shape and edge drawn, text escaped, PNG, no invented layout."""

import re

import pytest
from lxml import etree

from procex.bpmn.model import Model, read_model
from procex.bpmn.render import (
    NoDiagramError,
    RenderError,
    element_list,
    render_svg,
    svg_to_png,
    text_width,
    wrap_text,
)
from tests.conftest import REPO, miwg_reference_files, need_shared

SVG_NS = "http://www.w3.org/2000/svg"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
REFERENCE = miwg_reference_files()


def _groups(svg):
    """data-element-id of every drawn group, in order (the SVG must be well-formed XML)."""
    root = etree.fromstring(svg.encode("utf-8"))
    return [g.get("data-element-id") for g in root.iter(f"{{{SVG_NS}}}g") if g.get("data-element-id") is not None]


def test_all_21_reference_models_are_present():
    need_shared()
    assert len(REFERENCE) == 21


@pytest.mark.parametrize("path", REFERENCE, ids=[p.stem for p in REFERENCE])
def test_every_shape_and_edge_of_every_diagram_is_drawn(path):
    model = read_model(path)
    assert model.diagrams, f"{path.name} has no diagram"
    for number, diagram in enumerate(model.diagrams):
        svg = render_svg(model, diagram=number)
        drawn = _groups(svg)
        expected = [di.bpmn_element or "" for di in diagram.shapes + diagram.edges]
        assert len(drawn) == len(expected), f"{path.name} diagram {number}"
        assert sorted(drawn) == sorted(expected)
        # every group has a unique DOM id and a tooltip
        root = etree.fromstring(svg.encode("utf-8"))
        groups = [g for g in root.iter(f"{{{SVG_NS}}}g") if g.get("data-element-id") is not None]
        ids = [g.get("id") for g in groups]
        assert len(set(ids)) == len(ids)
        assert all(g.find(f"{{{SVG_NS}}}title") is not None for g in groups)
        # the viewBox holds every waypoint and shape
        x, y, w, h = map(float, root.get("viewBox").split())
        for di in diagram.shapes:
            if di.bounds:
                assert x <= di.bounds.x and di.bounds.x + di.bounds.width <= x + w
                assert y <= di.bounds.y and di.bounds.y + di.bounds.height <= y + h
        for di in diagram.edges:
            for px, py in di.waypoints:
                assert x <= px <= x + w and y <= py <= y + h


def test_cli_render_all_reference_models_to_svg(tmp_path, run_cli):
    need_shared()
    for path in REFERENCE:
        out = tmp_path / f"{path.stem}.svg"
        result = run_cli("render", path, "-o", out, cwd=REPO)
        assert result.returncode == 0, result.stderr
        model = read_model(path)
        assert len(_groups(out.read_text("utf-8"))) == len(model.diagrams[0].shapes) + len(model.diagrams[0].edges)


def test_kinds_and_markers_of_b20():
    """B.2.0 holds almost every kind: check what is drawn for a few known elements."""
    need_shared()
    model = read_model(need_shared() / "corpora/miwg/reference/B.2.0.bpmn")
    svg = render_svg(model)
    root = etree.fromstring(svg.encode("utf-8"))
    by_kind = {}
    for g in root.iter(f"{{{SVG_NS}}}g"):
        if g.get("data-kind"):
            by_kind.setdefault(g.get("data-kind"), []).append(g)
    for kind in (
        "userTask",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "callActivity",
        "subProcess",
        "boundaryEvent",
        "eventBasedGateway",
        "inclusiveGateway",
        "parallelGateway",
        "exclusiveGateway",
        "dataObjectReference",
        "dataStoreReference",
        "textAnnotation",
        "group",
        "messageFlow",
        "association",
    ):
        assert kind in by_kind, kind
    assert all(g.get("class") == "bpmn-task" for g in by_kind["userTask"])
    assert all(g.get("class") == "bpmn-gateway" for g in by_kind["parallelGateway"])
    # non-interrupting boundary events are dashed, interrupting ones are not
    for g in by_kind["boundaryEvent"]:
        element = model.get(g.get("data-element-id"))
        dashed = any(c.get("stroke-dasharray") for c in g.iter(f"{{{SVG_NS}}}circle") if c.get("class") == "outline")
        assert dashed == (element.el.get("cancelActivity") == "false"), element.name
    # markers: collapsed sub-process +, multi-instance bars, loop
    assert re.search(r"marker-collapsed", svg)
    assert re.search(r"marker-parallel", svg)
    assert re.search(r"marker-loop", svg)
    # event icons by definition
    for icon in ("timer", "message", "signal", "escalation", "error", "conditional", "link"):
        assert f"icon-{icon}" in svg, icon
    # the tooltip says what an element is, in German by default and in English on request
    task = next(g for g in by_kind["userTask"] if "User Task 3" in g.find(f"{{{SVG_NS}}}title").text)
    assert task.find(f"{{{SVG_NS}}}title").text == "Benutzeraufgabe: User Task 3"
    english = etree.fromstring(render_svg(model, lang="en").encode("utf-8"))
    titles = [t.text for t in english.iter(f"{{{SVG_NS}}}title")]
    assert "User task: User Task 3" in titles


def _model(body, di=True, name='Antrag <prüfen> & "freigeben"'):
    shapes = (
        """
      <bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="P1" bpmnElement="Process_1">
        <bpmndi:BPMNShape id="S1" bpmnElement="Start_1"><dc:Bounds x="100" y="100" width="36" height="36"/></bpmndi:BPMNShape>
        <bpmndi:BPMNShape id="S2" bpmnElement="Task_1"><dc:Bounds x="200" y="78" width="100" height="80"/></bpmndi:BPMNShape>
        <bpmndi:BPMNEdge id="E1" bpmnElement="Flow_1"><di:waypoint x="136" y="118"/><di:waypoint x="200" y="118"/></bpmndi:BPMNEdge>
      </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"""
        if di
        else ""
    )
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="Defs_1" targetNamespace="urn:test">
  <process id="Process_1">
    <startEvent id="Start_1" name="Start &amp; los"/>
    <userTask id="Task_1" name="{name.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")}"/>
    <sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_1"/>
    {body}
  </process>{shapes}
</definitions>"""
    return Model.from_bytes(xml.encode("utf-8"), "antrag.bpmn")


def test_labels_are_escaped_and_well_formed():
    model = _model("")
    svg = render_svg(model, title="<script>alert(1)</script>")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = etree.fromstring(svg.encode("utf-8"))  # well-formed despite <, & and quotes in labels
    text = "".join(root.itertext())
    assert 'Antrag <prüfen> & "freigeben"' in text.replace("\n", " ") or "Antrag <prüfen> &" in text
    assert "Start & los" in text


def test_highlight_adds_the_class_to_the_group():
    svg = render_svg(_model(""), highlight={"Task_1": "diff-changed", "Flow_1": "diff-added"})
    root = etree.fromstring(svg.encode("utf-8"))
    classes = {
        g.get("data-element-id"): g.get("class") for g in root.iter(f"{{{SVG_NS}}}g") if g.get("data-element-id")
    }
    assert classes == {
        "Start_1": "bpmn-event",
        "Task_1": "bpmn-task diff-changed",
        "Flow_1": "bpmn-sequence-flow diff-added",
    }
    assert root.find(f".//{{{SVG_NS}}}g[@id='el-Task_1']") is not None


def test_model_without_diagram_interchange_is_refused():
    model = _model("", di=False)
    with pytest.raises(
        NoDiagramError, match=r"antrag\.bpmn has no diagram interchange \(BPMNDI\); procex does not invent a layout"
    ):
        render_svg(model)
    with pytest.raises(RenderError, match="choose --diagram 0 to 0"):
        render_svg(_model(""), diagram=1)


def test_cli_errors_are_one_line(tmp_path, run_cli):
    no_di = tmp_path / "antrag.bpmn"
    no_di.write_bytes(_model("", di=False).to_bytes())
    result = run_cli("render", no_di, "-o", tmp_path / "out.svg", cwd=REPO)
    assert result.returncode == 2
    assert result.stderr.startswith("procex: error: ") and "no diagram interchange" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.svg").exists()
    result = run_cli("render", no_di, "-o", tmp_path / "out.pdf", cwd=REPO)
    assert result.returncode == 2 and "*.svg or *.png" in result.stderr


def test_png_output(tmp_path, run_cli):
    need_shared()
    out = tmp_path / "c20.png"
    result = run_cli("render", need_shared() / "corpora/miwg/reference/C.2.0.bpmn", "-o", out, cwd=REPO)
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    # IHDR width/height match the SVG's size (rounded by cairo)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    svg = render_svg(read_model(need_shared() / "corpora/miwg/reference/C.2.0.bpmn"))
    root = etree.fromstring(svg.encode("utf-8"))
    assert abs(width - float(root.get("width"))) <= 1 and abs(height - float(root.get("height"))) <= 1
    assert svg_to_png(render_svg(_model(""))).startswith(PNG_SIGNATURE)


def test_wrap_text_breaks_like_a_modeller():
    assert text_width("iii") < text_width("MMM")
    assert wrap_text("Antrag prüfen", 90) == ["Antrag prüfen"]
    assert wrap_text("Gewerbeanmeldung entgegennehmen und prüfen", 120) == [
        "Gewerbeanmeldung",
        "entgegennehmen und",
        "prüfen",
    ]
    assert wrap_text("Zeile eins\nZeile zwei", 200) == ["Zeile eins", "Zeile zwei"]
    # a word too long for the box is hyphenated at syllables (German patterns), never lost
    lines = wrap_text("Donaudampfschifffahrtsgesellschaftskapitän", 90)
    assert lines == ["Donaudampf-", "schifffahrtsge-", "sellschaftskapi-", "tän"]
    assert all(text_width(line) <= 90 for line in lines)
    assert wrap_text("Empfangsbescheinigung versenden", 90) == ["Empfangsbe-", "scheinigung", "versenden"]
    # the first syllables of a long word fill the line it follows
    assert wrap_text("Neue Empfangsbescheinigung", 100) == ["Neue Empfangs-", "bescheinigung"]
    assert wrap_text("Online-Antrag", 50) == ["Online-", "Antrag"]


def test_element_list_is_the_text_alternative():
    model = _model('<endEvent id="End_1" name="Fertig"><terminateEventDefinition/></endEvent>')
    assert element_list(model) == [
        ("Startereignis", "Start & los", ""),
        ("Benutzeraufgabe", 'Antrag <prüfen> & "freigeben"', ""),
    ]
    need_shared()
    rows = element_list(read_model(need_shared() / "corpora/miwg/reference/C.2.0.bpmn"), lang="en")
    assert ("Task", "Pick items", "Picker") in rows
    assert ("Task", "Take Payment", "Credit Card Company") in rows
    assert any(row[0] == "End event (error)" for row in rows)


def test_png_scale_multiplies_the_pixels(tmp_path, run_cli):
    source = need_shared() / "corpora/miwg/reference/C.2.0.bpmn"
    out = tmp_path / "c20@2.png"
    result = run_cli("render", source, "-o", out, "--scale", "2", cwd=REPO)
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    root = etree.fromstring(render_svg(read_model(source)).encode("utf-8"))
    assert abs(width - 2 * float(root.get("width"))) <= 2 and abs(height - 2 * float(root.get("height"))) <= 2
    # SVG scales itself: --scale there is a mistake, said in one line, nothing written
    svg_out = tmp_path / "c20.svg"
    result = run_cli("render", source, "-o", svg_out, "--scale", "2", cwd=REPO)
    assert result.returncode == 2 and "PNG output only" in result.stderr and not svg_out.exists()


def test_labels_stay_inside_their_shape_and_band():
    from procex.bpmn.render.labels import fit_lines, line_height

    text = "Gewerbeanzeige auf Vollständigkeit und Plausibilität prüfen und die Empfangsbescheinigung versenden"
    lines, size, cut = fit_lines(text, 90, 54)
    assert 10 <= size < 12 and cut and lines[-1].endswith("…")
    assert len(lines) * line_height(size) <= 54 and all(text_width(line, size) <= 90 for line in lines)
    lines, size, cut = fit_lines("Antrag prüfen", 90, 54)
    assert (lines, size, cut) == (["Antrag prüfen"], 12.0, False)
    # shrinking is tried before cutting: three lines at 12 px do not fit 40 px, at 11 px they do
    lines, size, cut = fit_lines("Gewerbeanzeige auf Vollständigkeit prüfen", 90, 40)
    assert not cut and size < 12 and len(lines) * line_height(size) <= 40
    # in the drawing, the cut label carries its whole text as a tooltip
    svg = render_svg(_model("", name=text))
    group = re.search(r'id="el-Task_1".*?</text>', svg, re.S)
    assert group and f"<title>{text}</title>" in group.group(0)
    # a long lane name rotated in its 30 px band: shrunk or cut, never past the lane's height
    band = fit_lines("Ordnungsamt – Gewerbestelle, Sachgebiet Gaststätten und Reisegewerbe", 70, 26)
    assert all(text_width(line, band[1]) <= 70 for line in band[0]) and len(band[0]) * line_height(band[1]) <= 26
