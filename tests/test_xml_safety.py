"""Hostile XML: every attack is refused quickly with a clear message, nothing is read from disk or network."""
import socket
import threading
import time

import pytest

from bpmn.errors import BpmnReadError
from lxml import etree

from bpmn.xml import ExternalReferenceRefused, hardened_parser, has_doctype, parse_bytes

DEFS = '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t" id="d">{body}</definitions>'


def billion_laughs():
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10)]
    return ("<?xml version='1.0'?><!DOCTYPE definitions [" + "".join(entities) + "]>"
            + DEFS.format(body="<documentation>&lol9;</documentation>")).encode()


def quadratic_blowup():
    big = "A" * 50_000
    return (f'<?xml version="1.0"?><!DOCTYPE definitions [<!ENTITY a "{big}">]>'
            + DEFS.format(body="<documentation>" + "&a;" * 50_000 + "</documentation>")).encode()


def external_file_entity(secret):
    return (f'<?xml version="1.0"?><!DOCTYPE definitions [<!ENTITY xxe SYSTEM "file://{secret}">]>'
            + DEFS.format(body="<documentation>&xxe;</documentation>")).encode()


def external_http_entity(port):
    return (f'<?xml version="1.0"?><!DOCTYPE definitions [<!ENTITY xxe SYSTEM "http://127.0.0.1:{port}/x">]>'
            + DEFS.format(body="<documentation>&xxe;</documentation>")).encode()


def external_dtd(port):
    return (f'<?xml version="1.0"?><!DOCTYPE definitions SYSTEM "http://127.0.0.1:{port}/evil.dtd">'
            + DEFS.format(body="")).encode()


def parameter_entities(secret, port):
    return (f'<?xml version="1.0"?><!DOCTYPE definitions [<!ENTITY % file SYSTEM "file://{secret}">'
            f'<!ENTITY % dtd SYSTEM "http://127.0.0.1:{port}/p.dtd">%dtd;]>'
            + DEFS.format(body="")).encode()


def deep_nesting(depth=100_000):
    return (DEFS.format(body="<documentation>" + "<x>" * depth + "</x>" * depth + "</documentation>")).encode()


@pytest.fixture
def listener():
    """A TCP listener that records whether anyone connected (no connection must arrive)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    hits = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                hits.append(conn)
                conn.close()
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(1)
    server.close()


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-CONTENT")
    return path


def cases(secret, port):
    return {
        "billion laughs": billion_laughs(),
        "quadratic blowup": quadratic_blowup(),
        "external entity (file)": external_file_entity(secret),
        "external entity (http)": external_http_entity(port),
        "external DTD": external_dtd(port),
        "parameter entities": parameter_entities(secret, port),
    }


def padded(data, size=64 * 1024):
    """The same document with a long prolog (a comment, a processing instruction, white space)
    between the XML declaration and the DOCTYPE, so a check of the first kilobytes misses it."""
    declaration_end = data.index(b"?>") + 2
    padding = b"\n<!--" + b"x" * size + b"-->\n<?tool run?>\n  \t\n"
    return data[:declaration_end] + padding + data[declaration_end:]


@pytest.mark.parametrize("pad", [False, True], ids=["plain", "padded prolog"])
@pytest.mark.parametrize("name", ["billion laughs", "quadratic blowup", "external entity (file)",
                                  "external entity (http)", "external DTD", "parameter entities"])
def test_entity_attacks_are_refused_fast_without_io(name, pad, secret, listener):
    port, hits = listener
    data = cases(secret, port)[name]
    if pad:
        data = padded(data)
    start = time.perf_counter()
    with pytest.raises(BpmnReadError) as caught:
        parse_bytes(data, "evil.bpmn")
    assert time.perf_counter() - start < 1.0
    message = str(caught.value)
    assert message.startswith("evil.bpmn")
    assert "DOCTYPE" in message
    assert "TOP-SECRET" not in message
    time.sleep(0.3)
    assert hits == [], "the parser connected to the network"


def test_doctype_in_utf16_is_refused():
    data = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY a "b">]>'
            + DEFS.format(body="")).encode("utf-16")
    with pytest.raises(BpmnReadError, match="DOCTYPE"):
        parse_bytes(data, "u16.bpmn")


def test_deep_nesting_is_refused_fast():
    start = time.perf_counter()
    with pytest.raises(BpmnReadError) as caught:
        parse_bytes(deep_nesting(), "deep.bpmn")
    assert time.perf_counter() - start < 1.0
    assert "nested too deeply" in str(caught.value)
    assert "deep.bpmn:1:" in str(caught.value)


def test_size_limit():
    data = DEFS.format(body="<documentation>" + "x" * 5000 + "</documentation>").encode()
    with pytest.raises(BpmnReadError, match="over the limit of 1,000"):
        parse_bytes(data, "big.bpmn", max_bytes=1000)
    assert parse_bytes(data, "big.bpmn", max_bytes=len(data)).getroot().get("id") == "d"


def test_not_well_formed_names_line_and_column():
    data = b'<?xml version="1.0"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">\n  <process id="p">\n</definitions>'
    with pytest.raises(BpmnReadError) as caught:
        parse_bytes(data, "broken.bpmn")
    assert caught.value.line == 4
    assert caught.value.column is not None
    assert str(caught.value).startswith("broken.bpmn:4:")
    assert "not well-formed XML" in str(caught.value)


@pytest.mark.parametrize("xml, expected", [
    (b"<definitions/>", "without namespace"),
    (b'<process xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>', "<process>"),
    (b'<definitions xmlns="http://www.omg.org/spec/DMN/20151101/dmn.xsd"/>', "DMN"),
])
def test_root_must_be_bpmn_definitions(xml, expected):
    with pytest.raises(BpmnReadError) as caught:
        parse_bytes(xml, "other.xml")
    assert expected in str(caught.value)
    assert "not BPMN 2.0 definitions" in str(caught.value)


def test_any_prefix_default_namespace_and_latin1():
    latin1 = ('<?xml version="1.0" encoding="ISO-8859-1"?>'
              '<b:definitions xmlns:b="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">'
              '<b:process id="p"><b:task id="t1" name="Antrag prüfen"/></b:process></b:definitions>').encode("latin-1")
    tree = parse_bytes(latin1, "latin1.bpmn")
    assert tree.getroot().find(".//{http://www.omg.org/spec/BPMN/20100524/MODEL}task").get("name") == "Antrag prüfen"
    assert tree.docinfo.encoding.upper() == "ISO-8859-1"


@pytest.mark.parametrize("target", ["secret", "/dev/zero"])
def test_parser_itself_refuses_external_parameter_entities(target, secret):
    """Behind the DOCTYPE check: libxml2 loads an external parameter entity even with load_dtd off
    (from /dev/zero it would read forever); the hardened parser's resolver refuses every load."""
    url = f"file://{secret}" if target == "secret" else "file:///dev/zero"
    data = (f'<?xml version="1.0"?><!DOCTYPE definitions [<!ENTITY % p SYSTEM "{url}"> %p;]>'
            + DEFS.format(body="")).encode()
    start = time.perf_counter()
    with pytest.raises(ExternalReferenceRefused, match=url.split("//")[1]):
        etree.fromstring(data, hardened_parser())
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("data, expected", [
    (b'<?xml version="1.0"?><definitions/>', False),
    (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- <!DOCTYPE in a comment --><definitions/>', False),
    (b'<!-- c --><?pi x?>\r\n\t<!DOCTYPE d><definitions/>', True),
    (b'<?xml version="1.0"?>' + b"<!--" + b"-" * 10_000 + b"x-->" + b"<!doctype d><definitions/>", True),
    (b'<definitions><!DOCTYPE d></definitions>', False),  # not in the prolog: the parser rejects it
    (('<?xml version="1.0" encoding="UTF-16"?><!--' + "x" * 5000 + '--><!DOCTYPE d><definitions/>').encode("utf-16"),
     True),
    ('<?xml version="1.0" encoding="UTF-16BE"?><!DOCTYPE d><definitions/>'.encode("utf-16-be"), True),
], ids=["none", "bom and comment", "after comment and pi", "after a long comment", "in the body",
        "utf-16 padded", "utf-16-be without bom"])
def test_has_doctype_walks_the_whole_prolog(data, expected):
    assert has_doctype(data) is expected
