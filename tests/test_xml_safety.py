"""Hostile XML: every attack is refused quickly with a clear message, nothing is read from disk or network."""

import socket
import threading
import time

import pytest
from lxml import etree

from procex.bpmn import xml as bx
from procex.bpmn.errors import BpmnReadError
from procex.bpmn.xml import ExternalReferenceRefused, hardened_parser, has_doctype, parse_bytes
from tests.models import in_process

DEFS = (
    '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t" id="d">{body}</definitions>'
)


def billion_laughs():
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (
        "<?xml version='1.0'?><!DOCTYPE definitions ["
        + "".join(entities)
        + "]>"
        + DEFS.format(body="<documentation>&lol9;</documentation>")
    ).encode()


def quadratic_blowup():
    big = "A" * 50_000
    return (
        f'<?xml version="1.0"?><!DOCTYPE definitions [<!ENTITY a "{big}">]>'
        + DEFS.format(body="<documentation>" + "&a;" * 50_000 + "</documentation>")
    ).encode()


def external_file_entity(secret):
    return (
        f'<?xml version="1.0"?><!DOCTYPE definitions [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        + DEFS.format(body="<documentation>&xxe;</documentation>")
    ).encode()


def external_http_entity(port):
    return (
        f'<?xml version="1.0"?><!DOCTYPE definitions [<!ENTITY xxe SYSTEM "http://127.0.0.1:{port}/x">]>'
        + DEFS.format(body="<documentation>&xxe;</documentation>")
    ).encode()


def external_dtd(port):
    return (
        f'<?xml version="1.0"?><!DOCTYPE definitions SYSTEM "http://127.0.0.1:{port}/evil.dtd">' + DEFS.format(body="")
    ).encode()


def parameter_entities(secret, port):
    return (
        f'<?xml version="1.0"?><!DOCTYPE definitions [<!ENTITY % file SYSTEM "file://{secret}">'
        f'<!ENTITY % dtd SYSTEM "http://127.0.0.1:{port}/p.dtd">%dtd;]>' + DEFS.format(body="")
    ).encode()


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
@pytest.mark.parametrize(
    "name",
    [
        "billion laughs",
        "quadratic blowup",
        "external entity (file)",
        "external entity (http)",
        "external DTD",
        "parameter entities",
    ],
)
def test_entity_attacks_are_refused_before_expansion_without_io(name, pad, secret, listener):
    port, hits = listener
    data = cases(secret, port)[name]
    if pad:
        data = padded(data)
    with pytest.raises(BpmnReadError) as caught:
        parse_bytes(data, "evil.bpmn")
    message = str(caught.value)
    assert message.startswith("evil.bpmn")
    assert "DOCTYPE" in message
    assert "TOP-SECRET" not in message
    time.sleep(0.3)
    assert hits == [], "the parser connected to the network"


def test_doctype_in_utf16_is_refused():
    data = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY a "b">]>' + DEFS.format(body="")).encode(
        "utf-16"
    )
    with pytest.raises(BpmnReadError, match="DOCTYPE"):
        parse_bytes(data, "u16.bpmn")


def test_deep_nesting_is_refused():
    with pytest.raises(BpmnReadError) as caught:
        parse_bytes(deep_nesting(), "deep.bpmn")
    assert "nested too deeply" in str(caught.value)
    assert "deep.bpmn:1:" in str(caught.value)


def test_size_limit():
    data = DEFS.format(body="<documentation>" + "x" * 5000 + "</documentation>").encode()
    with pytest.raises(BpmnReadError, match="over the limit of 1,000"):
        parse_bytes(data, "big.bpmn", max_bytes=1000)
    assert parse_bytes(data, "big.bpmn", max_bytes=len(data)).getroot().get("id") == "d"


def test_not_well_formed_names_line_and_column():
    data = (
        b'<?xml version="1.0"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">\n'
        b'  <process id="p">\n</definitions>'
    )
    with pytest.raises(BpmnReadError) as caught:
        parse_bytes(data, "broken.bpmn")
    assert caught.value.line == 4
    assert caught.value.column is not None
    assert str(caught.value).startswith("broken.bpmn:4:")
    assert "not well-formed XML" in str(caught.value)


@pytest.mark.parametrize(
    "xml, expected",
    [
        (b"<definitions/>", "without namespace"),
        (b'<process xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>', "<process>"),
        (b'<definitions xmlns="http://www.omg.org/spec/DMN/20151101/dmn.xsd"/>', "DMN"),
    ],
)
def test_root_must_be_bpmn_definitions(xml, expected):
    with pytest.raises(BpmnReadError) as caught:
        parse_bytes(xml, "other.xml")
    assert expected in str(caught.value)
    assert "not BPMN 2.0 definitions" in str(caught.value)


def test_any_prefix_default_namespace_and_latin1():
    latin1 = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        '<b:definitions xmlns:b="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">'
        '<b:process id="p"><b:task id="t1" name="Antrag prüfen"/></b:process></b:definitions>'
    ).encode("latin-1")
    tree = parse_bytes(latin1, "latin1.bpmn")
    assert tree.getroot().find(".//{http://www.omg.org/spec/BPMN/20100524/MODEL}task").get("name") == "Antrag prüfen"
    assert tree.docinfo.encoding.upper() == "ISO-8859-1"


@pytest.mark.parametrize("target", ["secret", "/dev/zero"])
def test_parser_itself_refuses_external_parameter_entities(target, secret):
    """Behind the DOCTYPE check: libxml2 loads an external parameter entity even with load_dtd off
    (from /dev/zero it would read forever); the hardened parser's resolver refuses every load."""
    url = f"file://{secret}" if target == "secret" else "file:///dev/zero"
    data = (
        f'<?xml version="1.0"?><!DOCTYPE definitions [<!ENTITY % p SYSTEM "{url}"> %p;]>' + DEFS.format(body="")
    ).encode()
    with pytest.raises(ExternalReferenceRefused, match=url.split("//")[1]):
        etree.fromstring(data, hardened_parser())


@pytest.mark.parametrize(
    "data, expected",
    [
        (b'<?xml version="1.0"?><definitions/>', False),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- <!DOCTYPE in a comment --><definitions/>', False),
        (b"<!-- c --><?pi x?>\r\n\t<!DOCTYPE d><definitions/>", True),
        (b'<?xml version="1.0"?>' + b"<!--" + b"-" * 10_000 + b"x-->" + b"<!doctype d><definitions/>", True),
        (b"<definitions><!DOCTYPE d></definitions>", False),  # not in the prolog: the parser rejects it
        (
            ('<?xml version="1.0" encoding="UTF-16"?><!--' + "x" * 5000 + "--><!DOCTYPE d><definitions/>").encode(
                "utf-16"
            ),
            True,
        ),
        ('<?xml version="1.0" encoding="UTF-16BE"?><!DOCTYPE d><definitions/>'.encode("utf-16-be"), True),
    ],
    ids=[
        "none",
        "bom and comment",
        "after comment and pi",
        "after a long comment",
        "in the body",
        "utf-16 padded",
        "utf-16-be without bom",
    ],
)
def test_has_doctype_walks_the_whole_prolog(data, expected):
    assert has_doctype(data) is expected


# --- structural limits: attributes, namespace declarations, elements (bpmn.xml.check_structure) ---


def bpmn_doc(attrs="", body='<bpmn:startEvent id="S"/>', encoding=None):
    text = in_process(body, attrs)
    if encoding:
        return text.replace('encoding="UTF-8"', f'encoding="{encoding}"').encode(encoding)
    return text.encode()


def extra_attributes(n):
    return "".join(f' a{i}="x"' for i in range(n))


@pytest.mark.parametrize("encoding", [None, "utf-16"], ids=["utf-8", "utf-16"])
def test_an_element_with_too_many_attributes_is_refused(encoding):
    """What the security review sent: 200,000 attributes on <bpmn:definitions> (2.3 MB)."""
    data = bpmn_doc(attrs=extra_attributes(200_000), encoding=encoding)
    with pytest.raises(BpmnReadError) as caught:
        parse_bytes(data, "evil.bpmn")
    message = str(caught.value)
    assert message.startswith(
        "evil.bpmn:2: <bpmn:definitions> has 200,002 attributes, over the limit of 512 per element"
    )
    assert "\n" not in message


def test_attributes_up_to_the_limit_are_read():
    assert bx.MAX_ATTRIBUTES_PER_ELEMENT == 512
    root = parse_bytes(bpmn_doc(attrs=extra_attributes(510)), "wide.bpmn").getroot()  # + id, targetNamespace
    assert len(root.attrib) == 512
    with pytest.raises(BpmnReadError, match="has 513 attributes, over the limit of 512"):
        parse_bytes(bpmn_doc(attrs=extra_attributes(511)), "wide.bpmn")


def test_a_start_tag_with_many_equals_signs_in_its_text_is_read():
    """The byte count that spares the walk is only a bound: '=' in text sends it to an exact count."""
    body = '<bpmn:task id="T"><bpmn:documentation>' + "a=b " * 2000 + "</bpmn:documentation></bpmn:task>"
    assert parse_bytes(bpmn_doc(body=body), "text.bpmn").getroot().get("id") == "D"


@pytest.mark.parametrize("encoding", [None, "utf-16"], ids=["utf-8", "utf-16"])
def test_too_many_namespace_declarations_on_one_element_are_refused(encoding):
    data = bpmn_doc(attrs="".join(f' xmlns:p{i}="urn:x:{i}"' for i in range(20_000)), encoding=encoding)
    with pytest.raises(BpmnReadError) as caught:
        parse_bytes(data, "ns.bpmn")
    assert str(caught.value) == (
        "ns.bpmn:2: <bpmn:definitions> declares 20,001 namespaces, over the limit of 256; "
        "declare each namespace once, on <definitions>"
    )


def test_namespace_declarations_piling_up_in_nested_elements_are_refused():
    """lxml's and xmlschema's namespace maps walk every declaration in scope, on every element."""
    opening = "".join(
        f'<bpmn:subProcess id="S{d}"' + "".join(f' xmlns:q{i}="urn:q:{d}:{i}"' for i in range(60)) + ">"
        for d in range(5)
    )
    data = bpmn_doc(body=opening + '<bpmn:task id="T"/>' + "</bpmn:subProcess>" * 5)
    with pytest.raises(BpmnReadError) as caught:
        parse_bytes(data, "nested.bpmn")
    assert str(caught.value).startswith(
        "nested.bpmn:3: <bpmn:subProcess> has 301 namespace declarations in scope (its own and its ancestors'), "
        "over the limit of 256"
    )
    four_levels = "".join(
        f'<bpmn:subProcess id="S{d}"' + "".join(f' xmlns:q{i}="urn:q:{d}:{i}"' for i in range(60)) + ">"
        for d in range(4)
    )
    parse_bytes(bpmn_doc(body=four_levels + "</bpmn:subProcess>" * 4), "nested.bpmn")  # 241 in scope


def test_too_many_elements_are_refused():
    data = bpmn_doc(body='<bpmn:task id="T"/>' * 100_000)
    with pytest.raises(BpmnReadError) as caught:
        parse_bytes(data, "many.bpmn")
    assert str(caught.value).startswith(
        "many.bpmn:3: <bpmn:task> is element 100,001, past the limit of 100,000 elements in one document"
    )


def test_too_many_attributes_in_a_document_are_refused():
    one = extra_attributes(500)
    data = bpmn_doc(body="".join(f'<bpmn:task id="T{j}"{one}/>' for j in range(800)))
    with pytest.raises(
        BpmnReadError,
        match=r"^big\.bpmn:3: <bpmn:task> brings the document to 400,\d+ attributes, "
        r"over the limit of 400,000",
    ):
        parse_bytes(data, "big.bpmn")


def test_the_library_refuses_the_review_upload_in_one_line():
    """exchange.server.checks.review_model, what a PUT of a model runs: one not-readable finding."""
    from procex.exchange.server import checks

    findings, summary = checks.review_model(bpmn_doc(attrs=extra_attributes(200_000)), "x7.bpmn")
    assert summary is None
    assert [(f.code, f.severity, f.line) for f in findings] == [("not-readable", "error", 2)]
    assert "over the limit of 512 per element" in findings[0].message


def test_every_corpus_file_is_within_the_limits_by_bytes_and_by_walking(shared):
    """The MIWG corpus is read, and the byte-counting decision agrees with the exact walk."""
    files = sorted((shared / "corpora/miwg").glob("**/*.bpmn")) + sorted((shared / "corpora/fim").glob("*.bpmn"))
    assert len(files) > 170
    for path in files:
        tree = parse_bytes(path.read_bytes(), str(path))
        bx._count_exactly(tree.getroot(), str(path), bx.document_limits())
