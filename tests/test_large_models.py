"""Large models: the model's index built in one walk gives what the XPath it replaced gave, the
structural read limits can be raised for trusted files, and diff reports are compact JSON."""

import json

import pytest
from lxml import etree

from procex.bpmn.model import Model
from procex.bpmn.xml import (
    MAX_ATTRIBUTES,
    MAX_ELEMENTS,
    BpmnReadError,
    document_limits,
    parse_bytes,
    raised_document_limits,
)

OMG = {
    "b": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bd": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}


def corpus_files(shared):
    files = sorted((shared / "corpora/miwg").glob("**/*.bpmn")) + sorted((shared / "corpora/fim").glob("*.bpmn"))
    assert len(files) > 170
    return files


def xpath_ids(root):
    """The ids as the former index read them: an XPath union over the four OMG namespaces."""
    return etree.XPath("(//b:*[@id] | //bd:*[@id] | //di:*[@id] | //dc:*[@id])/@id", namespaces=OMG)(root)


def walked_vendor_namespaces(model):
    """Non-OMG namespaces as the former Python walk over every element and attribute found them."""
    standard = set(OMG.values()) | {"http://www.w3.org/2001/XMLSchema-instance", "http://www.w3.org/XML/1998/namespace"}
    used = set()
    for el in model.root.iter():
        if isinstance(el.tag, str) and el.tag[0] == "{":
            used.add(el.tag[1 : el.tag.index("}")])
        for key in el.attrib:
            if key[0] == "{":
                used.add(key[1 : key.index("}")])
    used -= standard
    prefixes = {uri: set() for uri in used}
    for prefix, uri in model.root.nsmap.items():
        if uri in used:
            prefixes[uri].add(prefix or "")
    return {uri: sorted(p) for uri, p in sorted(prefixes.items())}


def test_the_index_gives_the_ids_elements_and_kinds_the_xpath_and_walks_gave(shared):
    checked_vendor = 0
    for path in corpus_files(shared):
        model = Model.from_bytes(path.read_bytes(), str(path))
        assert model.ids == [str(i) for i in xpath_ids(model.root)], path
        first = {}
        for el in model.root.iter(*(f"{{{ns}}}*" for ns in OMG.values())):
            if el.get("id") is not None:
                first.setdefault(el.get("id"), el)
        assert all(model.element(ident) is el for ident, el in first.items()), path
        for kind, els in model._by_kind.items():
            assert els == list(model.root.iter(f"{{{OMG['b']}}}{kind}", f"{{{OMG['bd']}}}{kind}")), (path, kind)
        expected = walked_vendor_namespaces(model)
        assert model.vendor_namespaces == expected, path
        checked_vendor += bool(expected)
    assert checked_vendor > 20  # the corpus has many vendor exports: the foreign branch was taken


def test_shapes_and_edges_are_read_from_the_tree_when_asked(shared):
    path = shared / "corpora/miwg/reference/A.2.0.bpmn"
    model = Model.from_bytes(path.read_bytes(), str(path))
    diagram = model.diagrams[0]
    shape = diagram.shapes[0]
    bounds = shape.el.find(f"{{{OMG['dc']}}}Bounds")
    assert (shape.bounds.x, shape.bounds.width) == (float(bounds.get("x")), float(bounds.get("width")))
    assert model.shapes_of(shape.bpmn_element) == [shape]  # the same view from either path
    edge = diagram.edges[0]
    points = edge.el.findall(f"{{{OMG['di']}}}waypoint")
    assert edge.waypoints == [(float(p.get("x")), float(p.get("y"))) for p in points]
    assert model.edges_of(edge.bpmn_element)[0] is edge


def many_tasks(count):
    tasks = "".join(f'<task id="t{i}"/>' for i in range(count))
    return (
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="urn:x">'
        f'<process id="p">{tasks}</process></definitions>'
    ).encode()


def test_the_element_limit_refuses_by_default_and_can_be_raised_for_one_read():
    data = many_tasks(MAX_ELEMENTS)  # with definitions and process: 2 over the limit
    with pytest.raises(BpmnReadError, match=r"past the limit of 100,000 elements.*--max-elements"):
        parse_bytes(data, "big.bpmn")
    with raised_document_limits(elements=MAX_ELEMENTS + 2) as limits:
        assert limits.attributes == max(MAX_ATTRIBUTES, 4 * (MAX_ELEMENTS + 2))
        assert len(parse_bytes(data, "big.bpmn").getroot()[0]) == MAX_ELEMENTS
    assert document_limits().elements == MAX_ELEMENTS  # back to the default after the block
    with raised_document_limits(elements=MAX_ELEMENTS + 2, attributes=10), pytest.raises(BpmnReadError, match="10 "):
        parse_bytes(data, "big.bpmn")


@pytest.mark.slow  # a model of 100,000 tasks read five times, diffed once (about 6 s)
def test_max_elements_on_the_command_line_holds_for_that_command_only(tmp_path, run_cli):
    big = tmp_path / "big.bpmn"
    big.write_bytes(many_tasks(MAX_ELEMENTS))
    status, _, err = run_cli("inspect", "--json", big)
    assert status == 2 and "past the limit of 100,000 elements" in err and "--max-elements" in err
    status, out, err = run_cli("inspect", "--json", "--max-elements", "200000", big)
    assert status == 0, err
    assert json.loads(out)["counts"]["task"] == MAX_ELEMENTS
    assert run_cli("inspect", "--json", big).exit_code == 2  # the raised limit did not stay
    status, out, err = run_cli("diff", "--max-elements", "200000", "--format", "json", big, big)
    assert status == 0, err
    assert sum(json.loads(out)["summary"].values()) == 0
    status, _, err = run_cli("validate", "--max-elements", "200000", "--max-attributes", "1000", "--lang", "en", big)
    assert status == 2 and "over the limit of 1,000" in err, err


def test_a_diff_report_is_one_line_of_compact_json(tmp_path, run_cli):
    old = tmp_path / "old.bpmn"
    old.write_bytes(many_tasks(3))
    new = tmp_path / "new.bpmn"
    new.write_bytes(many_tasks(3).replace(b'id="t1"/>', 'id="t1" name="Antrag prüfen"/>'.encode()))
    result = run_cli("diff", "--format", "json", old, new)
    assert result.exit_code == 0, result.output
    assert (
        result.stderr == ""
        and result.stdout.count("\n") == 1
        and ": " not in result.stdout
        and "prüfen" in result.stdout
    )
    report = json.loads(result.stdout)
    assert report["summary"]["renamed"] == 1 and report["changes"][0]["new_id"] == "t1"
