"""The compare page's content: the diff of two stored versions (the engine of `procex diff`), both
diagrams with the diff report's marks, and the changes worded for readers; and what to compare a
version with when the address does not say."""

import hashlib
import json
import zlib
from dataclasses import dataclass

from procex.exchange.library import package
from procex.exchange.server.api.compression import LEVEL as GZIP_LEVEL
from procex.exchange.server.api.compression import accepts_gzip, gzip_etag
from procex.exchange.server.api.etags import etag_matches
from procex.exchange.server.web.cache import diagram_view, load_model
from procex.exchange.server.web.compare_cost import text_size
from procex.exchange.server.web.queries import member_name, version_rows


def diff_of(store, old_row, new_row):
    """(old model, new model, Diff) of two stored versions: the same engine as `procex diff`."""
    from procex.bpmn.diff import diff_models

    old = load_model(store.model(old_row.id), f"{old_row.publisher}/{old_row.slug}@{old_row.version}")
    new = load_model(store.model(new_row.id), f"{new_row.publisher}/{new_row.slug}@{new_row.version}")
    return old, new, diff_models(old, new)


def compare_context(store, view, old_row, new_row, origin, cost):
    """(the compare page's template context, (wall, CPU) seconds spent computing it or None when kept).

    The costly part (the diff, both drawings marked, the changes in words) is computed within one of
    ``cost``'s slots and kept by both models' sha256s (web/compare_cost.py; raises Busy when no slot
    frees up in time); the names of the members are read for each request."""
    key = ("page", old_row.model_sha256, new_row.model_sha256, view.lang, bool(origin), _ref(old_row), _ref(new_row))
    computed, spent = cost.get_or_compute(
        key, lambda: _computed_context(store, view, old_row, new_row, origin), text_size
    )
    context = {
        "old_row": old_row,
        "new_row": new_row,
        "origin": origin,
        # both sides named in full: an adaptation and its original differ in publisher (and maybe slug)
        "old_ref": _ref(old_row),
        "new_ref": _ref(new_row),
        "old_name": member_name(store, old_row.publisher),
        "new_name": member_name(store, new_row.publisher),
        **computed,
    }
    return context, spent


def compare_page(store, view, old_row, new_row, origin, cost):
    """(the compare page as an answer, (wall, CPU) seconds spent computing or None when it was kept).

    The rendered page is kept too, for the same caller and address (a large model's page is tens of
    MB: rendering its template again took longer than sending it); its key holds everything the page
    shows besides the computed part: the signed-in member, both members' names, the address."""
    names = (member_name(store, old_row.publisher), member_name(store, new_row.publisher))
    member = view.member or {}
    key = (
        "html",
        old_row.model_sha256,
        new_row.model_sha256,
        view.lang,
        bool(origin),
        _ref(old_row),
        _ref(new_row),
        member.get("slug"),
        member.get("name"),
        names,
        view.url_with(),
    )
    packed = cost.cached(key)
    spent = None
    if packed is None:
        context, spent = compare_context(store, view, old_row, new_row, origin, cost)
        packed = PackedPage.of(view.render("compare.html", **context).body)
        cost.keep(key, packed, len(packed.gzip))
    return packed.answer(view), spent


@dataclass(frozen=True)
class PackedPage:
    """A rendered page kept gzip-compressed once (an 8,000-task compare page is megabytes of SVG
    that shrink about tenfold): sent as it is to every client that accepts gzip, unpacked for the
    others; its ETag answers a browser's revalidation with 304 and no body."""

    gzip: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> "PackedPage":
        packed = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        data = packed.compress(body) + packed.flush()
        return cls(data, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')

    def answer(self, view):
        headers = view.request.headers
        gzip_ok = accepts_gzip(headers.get("accept-encoding"))
        etag = gzip_etag(self.etag) if gzip_ok else self.etag
        if etag_matches(headers.get("if-none-match"), etag):
            response = view.respond(b"", status=304)
        elif gzip_ok:
            response = view.respond(self.gzip)
            response.headers["Content-Encoding"] = "gzip"
        else:
            response = view.respond(zlib.decompress(self.gzip, 16 + zlib.MAX_WBITS))
        response.headers["ETag"] = etag
        response.headers["Vary"] = "Cookie, Accept-Encoding"
        return response


def report_of(store, lang, old_row, new_row, cost):
    """(the HTML diff report of two stored versions, (wall, CPU) seconds spent or None when it was kept)."""

    def compute():
        from procex.bpmn.report_html import diff_report

        old, new, diff = diff_of(store, old_row, new_row)
        return diff_report(
            diff, lang=lang, old_model=old, new_model=new, old_label=_ref(old_row), new_label=_ref(new_row)
        )

    key = ("report", old_row.model_sha256, new_row.model_sha256, lang, _ref(old_row), _ref(new_row))
    return cost.get_or_compute(key, compute, text_size)


def _computed_context(store, view, old_row, new_row, origin):
    """What the compare page shows that is computed from the two models (kept by compare_context)."""
    from procex.bpmn.render import type_label
    from procex.bpmn.report_html import highlights

    old, new, diff = diff_of(store, old_row, new_row)
    # the diff report's marks: added/removed, semantic changes, layout-only
    old_marks, new_marks = highlights(diff)
    lang = view.lang
    words = _kind_words(lang)
    changes = []
    for change in diff.changes:
        details = [
            {"property": _property_word(d["property"], lang), "old": _shown(d.get("old")), "new": _shown(d.get("new"))}
            for d in change.details
        ]
        changes.append(
            {
                "kind": change.kind,
                "kind_label": words.get(change.kind, change.kind),
                "type": type_label(change.element_type, lang),
                "name": change.name or "",
                "old_id": change.old_id,
                "new_id": change.new_id,
                "details": details,
                "css": {"added": "diff-added", "removed": "diff-removed", "layout": "diff-layout"}.get(
                    change.kind, "diff-changed"
                ),
            }
        )
    summary = [(words[k], n, k) for k, n in diff.summary.items() if n]
    return {
        "old_views": _marked_views(store, view, old_row, old, old_marks, "old", origin),
        "new_views": _marked_views(store, view, new_row, new, new_marks, "new", origin),
        "viewer_labels": _viewer_labels(lang),
        "viewer_hint": _viewer_hint(lang),
        "signs": _signs(),
        "report_url": _report_url(old_row, new_row, origin),
        "changes": [c for c in changes if c["kind"] != "layout"],
        "layout_changes": [c for c in changes if c["kind"] == "layout"],
        "summary": summary,
        "semantic": len(diff.semantic_changes),
        "kind_words": words,
        **_pairing(diff, lang),
    }


def _marked_views(store, view, row, model, marks, side, origin):
    """Every diagram of one side with the diff marks, its DOM ids prefixed by the side ("old-…"; a
    further diagram also by its number: "old-d2-…") and its accessible name saying which side it is
    ("vorher (Original): trier/gewerbeanmeldung@1.0.0", "… – Diagramm 2")."""
    role = f" ({view.t('original' if side == 'old' else 'adaptation')})" if origin else ""
    title = f"{view.t(side)}{role}: {_ref(row)}"
    views = []
    for index in range(max(1, len(model.diagrams))):
        views.append(
            diagram_view(
                store,
                row,
                index,
                view.lang,
                model=model,
                highlight=marks,
                cache=False,
                title=title if not index else f"{title} – {view.t('diagram')} {index + 1}",
                id_prefix=f"{side}-" if not index else f"{side}-d{index + 1}-",
            )
        )
    return views


def _viewer_labels(lang):
    """The diagram viewer's button texts (the same as in the HTML diff report), for data-labels."""
    from markupsafe import Markup

    from procex.bpmn import diff_view

    return Markup(diff_view.labels_attribute(lang))


def _pairing(diff, lang):
    """How the elements were paired (mode and why, notes) and the possible counterparts, listed
    apart (never a change): the same as the diff report shows."""
    from procex.bpmn.diff_text import describe_lineage, describe_note
    from procex.bpmn.render import type_label

    matching = diff.matching
    lines = [describe_lineage(matching.lineage, lang)] if matching.lineage else []
    lines += [describe_note(note, lang) for note in matching.notes]

    def side(items, ident):
        item = items.get(ident) if items else None
        return {
            "id": ident,
            "type": type_label(item.type, lang) if item else "",
            "name": (item.label or "") if item else "",
        }

    possible = [
        {
            "old": side(matching.old_items, p.old_id),
            "new": side(matching.new_items, p.new_id),
            "score": f"{p.score:.2f}",
        }
        for p in matching.possible
    ]
    likely = sorted(f"{p.old_id} {p.new_id}" for p in matching.pairs if p.confidence == "likely")
    return {"pairing": [line for line in lines if line], "possible": possible, "likely": likely}


def _viewer_hint(lang):
    from procex.bpmn import diff_view

    return diff_view.HINT["en" if lang == "en" else "de"]


def _signs():
    """The sign each kind of change carries in the diagrams, for the legend."""
    from markupsafe import Markup

    from procex.bpmn import diff_view

    return {kind: Markup(diff_view.sign(f"diff-{kind}")) for kind in ("added", "removed", "changed", "layout")}


def _property_word(prop, lang):
    """A diff property name as the diff report words it in German."""
    if lang != "de":
        return prop
    try:  # the diff report's German property names, when that module is installed
        from procex.bpmn.diff_text import PROPERTY_WORDS_DE
    except ImportError:
        return prop
    return PROPERTY_WORDS_DE.get(prop, prop)


def _shown(value):
    """A diff value as short text: bounds as 'x,y w×h', waypoints as 'x,y – x,y', None as '–'."""
    if value is None or value == "":
        return "–"
    if isinstance(value, dict) and {"x", "y", "width", "height"} <= set(value):
        return f"{_n(value['x'])},{_n(value['y'])} {_n(value['width'])}×{_n(value['height'])}"
    if isinstance(value, (list, tuple)) and value and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in value):
        return " – ".join(f"{_n(x)},{_n(y)}" for x, y in value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _n(number):
    """A coordinate without a needless ".0"."""
    return f"{number:g}" if isinstance(number, float) else str(number)


def _kind_words(lang):
    """The words for added, removed, changed … in the page's language."""
    from procex.bpmn.diff_text import KIND_WORDS

    return KIND_WORDS["en" if lang == "en" else "de"]


def _report_url(old_row, new_row, origin):
    """Where the downloadable diff report of the same comparison is."""
    base = (
        f"/p/{new_row.publisher}/{new_row.slug}/{new_row.version}"
        if origin
        else f"/p/{old_row.publisher}/{old_row.slug}/{old_row.version}"
    )
    return base + ("/compare/report.html?origin=1" if origin else f"/compare/report.html?to={new_row.version}")


def _ref(row):
    return f"{row.publisher}/{row.slug}@{row.version}"


def report_file_name(old_row, new_row):
    """The downloaded diff report's file name: both sides, the publisher and process once when shared."""
    if (old_row.publisher, old_row.slug) == (new_row.publisher, new_row.slug):
        return f"vergleich-{old_row.publisher}-{old_row.slug}-{old_row.version}-{new_row.version}.html"
    return (
        f"vergleich-{old_row.publisher}-{old_row.slug}-{old_row.version}-"
        f"{new_row.publisher}-{new_row.slug}-{new_row.version}.html"
    )


def compare_choices(store, row):
    """What the version ``row`` can be compared with: the process's other versions (each link with
    the older version first, as the versions table links them) and the original it was derived from."""
    key = package.version_key(row.version)
    choices = []
    for other in version_rows(store, row.publisher, row.slug):  # newest first
        if other.version == row.version:
            continue
        old, new = (other, row) if package.version_key(other.version) < key else (row, other)
        choices.append(
            {
                "old": old.version,
                "new": new.version,
                "yanked": bool(other.yanked_at),
                "href": f"/p/{row.publisher}/{row.slug}/{old.version}/compare?to={new.version}",
            }
        )
    derived = json.loads(row.manifest).get("derived_from")
    return {
        "row": row,
        "ref": _ref(row),
        "process": f"{row.publisher}/{row.slug}",
        "choices": choices,
        "original": derived["ref"] if derived else None,
        "origin_href": f"/p/{row.publisher}/{row.slug}/{row.version}/compare?origin=1",
    }
