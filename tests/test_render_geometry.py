"""Labels keep clear of what else a shape shows, measured in headless Chromium's DOM (issue 14):
a task's 4–5 line label never runs over its type icon, a long rotated lane or pool name stays in
its name band (shrunk, at worst cut with the whole name as its tooltip)."""

from procex.bpmn.model import Model
from procex.bpmn.render import render_svg
from tests.browser import chromium

TASK_KINDS = ("userTask", "serviceTask", "sendTask", "receiveTask", "manualTask", "scriptTask", "businessRuleTask")
LONG_LABELS = (
    "Gewerbeanzeige auf Vollständigkeit und Plausibilität prüfen",  # four lines at 12 px
    "Empfangsbescheinigung über die Gewerbeanmeldung an den Antragsteller versenden",
    "Stellungnahme der Industrie- und Handelskammer sowie der Handwerkskammer einholen und bewerten",
    "Antrag prüfen",  # short: stays centred in the task
    "Unbedenklichkeitsbescheinigung des Finanzamts und Führungszeugnis anfordern",
    "Erlaubnis nach § 34c Gewerbeordnung für Immobilienmakler und Darlehensvermittler erteilen",
    "Gewerbeschein ausstellen und an Finanzamt, IHK, HWK und Berufsgenossenschaft melden",
)
LANES = (
    ("Lane_kurz", "Ordnungsamt – Gewerbestelle, Sachgebiet Gaststätten, Reisegewerbe und Märkte", 70),
    ("Lane_mittel", "Sachbearbeiterin / Sachbearbeiter Gewerbeangelegenheiten", 160),
    ("Lane_lang", "Bürgerbüro", 150),
)

VERTICAL = (
    ("VLane_schmal", "Untere Bauaufsichtsbehörde und Denkmalschutz"),
    ("VLane_breit", "Kreiskasse"),
)


def _model():
    """A pool of three lanes (one only 70 px high with a long name) and seven typed tasks, and a
    vertical pool of two lanes (one only 110 px wide with a long name)."""
    tasks, shapes, refs = [], [], {lane: [] for lane, _, _ in LANES}
    for i, (kind, label) in enumerate(zip(TASK_KINDS, LONG_LABELS, strict=True)):
        lane = LANES[1 + i % 2][0]
        refs[lane].append(f"T{i}")
        tasks.append(f'<{kind} id="T{i}" name="{label}"/>')
        y = 160 + (i % 2) * 150
        shapes.append(
            f'<bpmndi:BPMNShape id="T{i}_di" bpmnElement="T{i}"><dc:Bounds x="{200 + i * 120}" y="{y}" '
            'width="100" height="80"/></bpmndi:BPMNShape>'
        )
    lanes, lane_shapes, top = [], [], 50
    for lane, name, height in LANES:
        lanes.append(
            f'<lane id="{lane}" name="{name}">'
            + "".join(f"<flowNodeRef>{r}</flowNodeRef>" for r in refs[lane])
            + "</lane>"
        )
        lane_shapes.append(
            f'<bpmndi:BPMNShape id="{lane}_di" bpmnElement="{lane}" isHorizontal="true">'
            f'<dc:Bounds x="130" y="{top}" width="900" height="{height}"/></bpmndi:BPMNShape>'
        )
        top += height
    xml = (
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'id="d" targetNamespace="http://x">'
        '<collaboration id="C"><participant id="P" name="Stadt Musterstadt – Gewerbeamt, Abteilung öffentliche '
        'Sicherheit und Ordnung" processRef="p"/><participant id="V" name="Kreisverwaltung" processRef="v"/>'
        "</collaboration>"
        f'<process id="p" isExecutable="false"><laneSet id="ls">{"".join(lanes)}</laneSet>{"".join(tasks)}</process>'
        # a vertical pool: its lanes' names run across their 30 px band at the top
        f'<process id="v" isExecutable="false"><laneSet id="vls"><lane id="{VERTICAL[0][0]}" '
        f'name="{VERTICAL[0][1]}"/><lane id="{VERTICAL[1][0]}" name="{VERTICAL[1][1]}"/></laneSet></process>'
        '<bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="PL" bpmnElement="C">'
        f'<bpmndi:BPMNShape id="P_di" bpmnElement="P" isHorizontal="true"><dc:Bounds x="100" y="50" width="930" '
        f'height="{top - 50}"/></bpmndi:BPMNShape>{"".join(lane_shapes)}{"".join(shapes)}'
        f'<bpmndi:BPMNShape id="V_di" bpmnElement="V" isHorizontal="false"><dc:Bounds x="1100" y="50" '
        'width="300" height="500"/></bpmndi:BPMNShape>'
        f'<bpmndi:BPMNShape id="VL1_di" bpmnElement="{VERTICAL[0][0]}" isHorizontal="false"><dc:Bounds x="1100" '
        'y="80" width="110" height="470"/></bpmndi:BPMNShape>'
        f'<bpmndi:BPMNShape id="VL2_di" bpmnElement="{VERTICAL[1][0]}" isHorizontal="false"><dc:Bounds x="1210" '
        'y="80" width="190" height="470"/></bpmndi:BPMNShape>'
        "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></definitions>"
    )
    return Model.from_bytes(xml.encode(), "geometry.bpmn")


# Every label's glyph boxes (per line) against its task's icon and outline, and every band name's
# box against its band, in CSS px of the page (the SVG drawn at twice its size).
MEASURE = """
const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
const tasks = [...document.querySelectorAll('g[data-kind$=Task]')].map(g => ({
  id: g.dataset.elementId, icon: g.querySelector(':scope > .task-icon') && box(g.querySelector(':scope > .task-icon')),
  shape: box(g.querySelector(':scope > rect:not(.halo)')),
  lines: [...g.querySelectorAll(':scope > text tspan')].map(box),
  size: parseFloat(g.querySelector(':scope > text').getAttribute('font-size'))}));
const bands = [...document.querySelectorAll('g.bpmn-lane, g.bpmn-pool')].map(g => ({
  id: g.dataset.elementId, band: box(g.querySelector(':scope > .band')),
  text: box(g.querySelector(':scope > text')),
  title: (g.querySelector(':scope > text > title') || {}).textContent || null,
  shown: [...g.querySelectorAll(':scope > text tspan')].map(t => t.textContent).join(' ')}));
return {tasks, bands};
"""


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(inner, outer, slack=0.5):
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def test_task_labels_clear_the_icon_and_band_names_stay_in_their_band(tmp_path):
    svg = render_svg(_model())
    page = tmp_path / "geometry.html"
    # drawn at twice its size, so that a pixel of overlap shows as two
    page.write_text(
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><style>svg{zoom:2}</style></head>'
        f"<body>{svg}</body></html>",
        encoding="utf-8",
    )
    driver = chromium(1400, 1000)
    try:
        driver.get(page.as_uri())
        found = driver.execute_script(MEASURE)
    finally:
        driver.quit()
    tasks = {t["id"]: t for t in found["tasks"]}
    assert len(tasks) == len(TASK_KINDS)
    for ident, task in tasks.items():
        assert task["icon"], ident  # every kind here has a type icon
        assert task["lines"], ident
        for line in task["lines"]:
            assert not _overlap(line, task["icon"]), (ident, line, task["icon"])
            assert _inside(line, task["shape"]), (ident, line, task["shape"])
        assert task["size"] >= 10, ident
    # the long labels took four or five lines; the short one stays in the middle of its task
    assert max(len(t["lines"]) for t in tasks.values()) >= 4
    short = tasks["T3"]
    middle = (short["shape"][1] + short["shape"][3]) / 2
    assert abs((short["lines"][0][1] + short["lines"][0][3]) / 2 - middle) < 4
    bands = {b["id"]: b for b in found["bands"]}
    names = {lane: name for lane, name, _ in LANES} | dict(VERTICAL) | {"P": None, "V": None}
    assert set(bands) == set(names)
    for ident, band in bands.items():
        assert _inside(band["text"], band["band"]), (ident, band)
        if band["title"]:  # cut: the whole name is the tooltip
            assert band["shown"].endswith("…") and (names[ident] is None or band["title"] == names[ident])
    # the 70 px lane's long name could not be shown whole: cut, with its tooltip
    assert bands["Lane_kurz"]["title"] == LANES[0][1]
    assert bands["Lane_lang"]["title"] is None and bands["Lane_lang"]["shown"] == "Bürgerbüro"
    # a vertical pool's lane: its name across the top band, cut in a 110 px wide lane
    assert bands["VLane_schmal"]["title"] == VERTICAL[0][1] and bands["VLane_breit"]["shown"] == "Kreiskasse"
