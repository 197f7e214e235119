"""A publish fuzzer: hypothesis over manifest fields and model bytes, PUT to a real library server.

Each case starts from a valid upload by one member and changes it: a text field becomes any
Unicode text (lone surrogates, NUL, escapes, bidi controls), any field any JSON value, a field
goes missing or an unknown one appears, model.file any name; the model is kept, replaced by
random bytes, cut short, or given labels with any text (XML-escaped, so that it stays
well-formed as often as not); the manifest part is sometimes not JSON at all. Most cases keep
model.size and sha256 true to the bytes sent, so that they get past the checksum to the model
checks. The answer must never be a 5xx. tests/test_server_publish_fuzz.py runs it at a small
count on both backends; bench/server_publish_fuzz.py at a large one, with the figures.
"""

import itertools
import json
from collections import Counter
from xml.sax.saxutils import escape

import requests
from hypothesis import strategies as st

from procex.exchange.library import package
from tests.libserver import manifest_for, tiny_model

_versions = itertools.count(1)
ANY_CHAR = st.characters(codec=None, exclude_categories=())  # every code point, lone surrogates included
ANY_TEXT = st.text(ANY_CHAR, max_size=60)
NASTY = st.sampled_from(
    ["\x00", "\ud800", "\udfff", "\x1b]0;x\x07", "\u202e", "..", "/", "\\", "\x9b", "\r\n", "\t", "😀", "ß", ""]
)
TEXTY = st.one_of(ANY_TEXT, st.lists(st.one_of(ANY_TEXT, NASTY), max_size=5).map("".join))
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXTY),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(TEXTY, children, max_size=4)),
    max_leaves=12,
)
TEXT_FIELDS = ["name", "description", "keywords", "legal_basis", "region.name", "contact.office", "model.file"]
ALL_FIELDS = [
    "publisher",
    "slug",
    "version",
    "name",
    "leistungsschluessel",
    "description",
    "keywords",
    "detaillierungsstufe",
    "status",
    "region",
    "contact",
    "license",
    "legal_basis",
    "derived_from",
    "model",
    "region.ags",
    "contact.mailbox",
    "model.size",
    "model.sha256",
]


def _set(manifest, dotted, value):
    target = manifest
    *parents, last = dotted.split(".")
    for key in parents:
        if not isinstance(target.get(key), dict):
            target[key] = {}
        target = target[key]
    target[last] = value


def _delete(manifest, dotted):
    target = manifest
    *parents, last = dotted.split(".")
    for key in parents:
        target = target.get(key) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            return
    target.pop(last, None)


@st.composite
def uploads(draw, publisher):
    """(manifest part bytes, model bytes, path version) for one case."""
    labels = draw(st.tuples(TEXTY, TEXTY))
    model_kind = draw(st.sampled_from(["valid", "valid", "labels", "random", "cut"]))
    if model_kind == "labels":
        text = tiny_model().decode("utf-8")
        for old, new in zip(('name="Gewerbe anmelden"', 'name="Antrag prüfen"'), labels, strict=True):
            text = text.replace(old, f'name="{escape(new, {chr(34): "&quot;"})}"')
        model = text.encode("utf-8", "surrogatepass")  # a lone surrogate: bytes no UTF-8 reader accepts
    elif model_kind == "random":
        model = draw(st.binary(max_size=600))
    elif model_kind == "cut":
        whole = tiny_model()
        model = whole[: draw(st.integers(0, len(whole) - 1))]
    else:
        model = tiny_model()
    version = f"1.{next(_versions)}.0"
    manifest = manifest_for(publisher, "fuzz", version, tiny_model())
    manifest["model"] = {"file": "fuzz.bpmn", "size": len(model), "sha256": package.sha256_bytes(model)}
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["text", "text", "any", "delete", "extra"]))
        if action == "text":
            field = draw(st.sampled_from(TEXT_FIELDS))
            value = draw(TEXTY)
            _set(manifest, field, [value] if field in ("keywords", "legal_basis") else value)
        elif action == "any":
            _set(manifest, draw(st.sampled_from(ALL_FIELDS)), draw(JSON_VALUES))
        elif action == "delete":
            _delete(manifest, draw(st.sampled_from(ALL_FIELDS)))
        else:
            manifest[draw(TEXTY)] = draw(JSON_VALUES)
    if draw(st.integers(0, 19)) == 0:
        manifest_part = draw(st.binary(max_size=300))  # not JSON, or not UTF-8
    else:
        manifest_part = json.dumps(manifest, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    path_version = manifest.get("version") if isinstance(manifest.get("version"), str) else version
    if not package.is_version(path_version):
        path_version = version
    return manifest_part, model, path_version


def put(lib, member, manifest_part, model, version, session):
    url = f"{lib.api}/processes/{member.slug}/fuzz/{version}"
    files = {
        "manifest": ("manifest.json", manifest_part, "application/json"),
        "model": ("fuzz.bpmn", model, "application/xml"),
    }
    return session.put(url, files=files, headers=member.headers, timeout=120)


class Tally:
    """Statuses seen, and the first cases of each 5xx (to reproduce them)."""

    def __init__(self):
        self.statuses = Counter()
        self.server_errors = []

    def add(self, response, case):
        self.statuses[response.status_code] += 1
        if response.status_code >= 500 and len(self.server_errors) < 5:
            self.server_errors.append((response.status_code, response.text[:300], case))

    @property
    def cases(self):
        return sum(self.statuses.values())

    @property
    def five_hundreds(self):
        return sum(count for status, count in self.statuses.items() if status >= 500)


def new_session():
    return requests.Session()
