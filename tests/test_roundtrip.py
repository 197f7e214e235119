"""Writing an unmodified model gives the same document after C14N 2.0; --plain stays XSD-valid."""

import pytest
from lxml import etree

from procex.bpmn.model import read_model
from procex.bpmn.xml import canonical, parse_bytes
from procex.schemas import BPMN_XSD

from .conftest import miwg_reference_files, miwg_roundtrip_files, need_shared

ALL_FILES = miwg_reference_files() + miwg_roundtrip_files()


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(BPMN_XSD)))


def test_corpus_is_complete():
    need_shared()
    assert len(miwg_reference_files()) == 21
    assert len(miwg_roundtrip_files()) == 153


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_unmodified_write_is_c14n_identical(path):
    model = read_model(path)
    assert canonical(model.to_bytes()) == canonical(path.read_bytes())


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_plain_export_of_valid_files_is_valid_and_vendor_free(path, schema):
    model = read_model(path)
    if not schema.validate(model.tree):
        pytest.skip("input is not XSD-valid (10 real exports are not)")
    plain = parse_bytes(model.to_bytes(plain=True), "plain")
    assert schema.validate(plain), schema.error_log.last_error
    from procex.bpmn.model import Model

    plain_model = Model(plain)
    assert plain_model.vendor_namespaces == {}
    # BPMN semantics and diagram interchange are all still there
    assert [n.id for n in plain_model.flow_nodes] == [n.id for n in model.flow_nodes]
    assert len(plain_model.sequence_flows) == len(model.sequence_flows)
    assert [(len(d.shapes), len(d.edges)) for d in plain_model.diagrams] == [
        (len(d.shapes), len(d.edges)) for d in model.diagrams
    ]


def test_xsd_valid_count(schema):
    need_shared()
    valid = sum(1 for p in ALL_FILES if schema.validate(read_model(p).tree))
    assert valid == len(ALL_FILES) - 10
