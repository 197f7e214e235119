"""The search page's query values, links, facets and hits (routes.start renders them).

The page asks the store exactly what the API asks (storage/search.py: words, filters, facets,
sort, keyset cursor) and shows the answer for people: every value of the address is checked here
and a bad one becomes a sentence naming the parameter (the form stays, with what was asked);
links (facets, "weitere Treffer", start again) are built from the checked values only, so they
carry no empty or unknown parameters. Plain GET links and forms: no JavaScript needed.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

from markupsafe import Markup

from procex.exchange.library import package
from procex.exchange.server.storage import search, search_index
from procex.exchange.server.storage.search import SearchQuery
from procex.exchange.server.storage.search_text import QueryError
from procex.exchange.server.web.errors import MAX_PAGE, parse_whole_number, shown
from procex.exchange.server.web.texts_pages import LAENDER

PER_PAGE = 20
_KEY_RE = re.compile(r"^[0-9]{2,14}$")
_SLUG_RE = re.compile(rf"^{package.SLUG_PATTERN}$")
# The filters, in the order of the address and of the facets.
FILTERS = ("publisher", "land", "themenfeld", "status", "detaillierungsstufe")
# the page's filter -> the name of its facet in SearchPage.facets (search.FACETS)
FACET_OF = {name: name for name in FILTERS} | {"status": "fim_status"}
PARAMS = ("q", "leistungsschluessel") + FILTERS + ("sort", "cursor", "start", "lang")
SNIPPET_FIELDS = ("keywords", "leika", "description", "legal_basis", "tasks")


@dataclass
class SearchForm:
    """The checked values of the search page's address ("" where absent) and what was wrong."""

    values: dict
    page_number: int = 1
    start: int = 1
    problems: list = field(default_factory=list)

    def __getattr__(self, name):
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def filtered(self):
        """Whether any filter (not words, not the key) narrows the search."""
        return any(self.values[name] for name in FILTERS)

    def query(self, facets=True):
        """The SearchQuery of these values (the store checks them once more)."""
        v = self.values
        return SearchQuery(
            text=v["q"],
            keys=(v["leistungsschluessel"],) if v["leistungsschluessel"] else (),
            publisher=v["publisher"] or None,
            land=v["land"] or None,
            status=int(v["status"]) if v["status"] else None,
            detaillierungsstufe=int(v["detaillierungsstufe"]) if v["detaillierungsstufe"] else None,
            themenfeld=v["themenfeld"] or None,
            sort=v["sort"] or "relevance",
            limit=PER_PAGE,
            cursor=v["cursor"] or None,
            offset=0 if v["cursor"] else (self.page_number - 1) * PER_PAGE,
            facets=facets,
        )

    def url(self, **changes):
        """The search page's address with these values, ``changes`` applied (None or "" drops one).
        Defaults (relevance, the first hit) are left out."""
        values = dict(self.values, **changes)
        if values.get("sort") == "relevance":
            values["sort"] = ""
        if str(values.get("start") or "") == "1":
            values["start"] = ""
        pairs = [(name, str(values[name])) for name in PARAMS if values.get(name) not in (None, "")]
        if values.get("page"):
            pairs.append(("page", str(values["page"])))
        return "/" + (f"?{urlencode(pairs)}" if pairs else "")


def read_form(view, params):
    """A SearchForm from the request's query parameters (a Starlette QueryParams or a dict)."""
    t = view.t
    raw = {name: str(params.get(name) or "") for name in PARAMS + ("page",)}
    values = {name: raw[name].strip() for name in PARAMS}
    values["q"] = raw["q"].strip()[:500]
    values["leistungsschluessel"] = values["leistungsschluessel"].replace(" ", "")
    values["lang"] = values["lang"] if values["lang"] in ("de", "en") else ""
    problems = []

    def bad(name, allowed):
        problems.append(t("bad_param", name=name, value=shown(raw[name]), allowed=allowed))
        values[name] = ""

    if values["leistungsschluessel"] and not _KEY_RE.match(values["leistungsschluessel"]):
        problems.append(t("bad_key"))
        values["leistungsschluessel"] = ""
    if values["publisher"] and not _SLUG_RE.match(values["publisher"]):
        problems.append(t("bad_publisher"))
        values["publisher"] = ""
    if values["land"] and values["land"] not in LAENDER:
        bad("land", t("allowed_land"))
    if values["status"] and parse_whole_number(values["status"], None, 1, 8) is None:
        bad("status", t("allowed_status"))
    if values["detaillierungsstufe"] and parse_whole_number(values["detaillierungsstufe"], None, 101, 105) is None:
        bad("detaillierungsstufe", t("allowed_stufe"))
    if len(values["themenfeld"]) > 100:
        bad("themenfeld", t("allowed_themenfeld"))
    if values["sort"] and values["sort"] not in search.SORTS:
        bad("sort", t("allowed_sort"))
    if len(values["cursor"]) > 400:
        problems.append(t("bad_cursor"))
        values["cursor"] = ""
    # normalised numbers, so that links carry "7", not " 07"
    for name in ("status", "detaillierungsstufe"):
        values[name] = str(int(values[name])) if values[name] else ""
    page_number = parse_whole_number(raw["page"], 1, 1, MAX_PAGE)
    if page_number is None:
        bad("page", t("allowed_page", max=MAX_PAGE))
        page_number = 1
    if values["cursor"]:
        # The cursor says where the page starts; ``start`` only numbers its hits for the reader.
        page_number, start = 1, parse_whole_number(raw["start"], 1, 1, 10**9)
        if start is None:
            bad("start", t("allowed_start"))
            start = 1
        values["start"] = str(start)
    else:
        start, values["start"] = (page_number - 1) * PER_PAGE + 1, ""
    return SearchForm(values, page_number, start, problems)


def query_problem(view, error: QueryError):
    """A sentence for what the store could not search, naming the parameter."""
    t, text = view.t, str(error)
    name = text.split(":", 1)[0]
    if name == "cursor":
        return t("bad_cursor")
    if name == "page":
        return t("page_too_deep", max=number(search.MAX_OFFSET, view.lang))
    words = re.search(r"at most (\d+) different words", text)
    if name == "q" and words:
        return t("too_many_words", n=words.group(1))
    detail = text.split(":", 1)[-1].strip()
    for pattern, key in _DETAILS:
        found = re.search(pattern, detail)
        if found:
            detail = t(key, n=found.group(1)) if found.groups() else t(key)
            break
    return t("bad_query", name=name, detail=detail)


# What storage/search_text.py says is wrong with a value, to be said in the page's language.
_DETAILS = (
    (r"NUL character", "detail_nul"),
    (r"lone surrogates", "detail_surrogates"),
    (r"at most (\d+) characters", "detail_length"),
    (r"at most (\d+) Leistungsschlüssel", "detail_keys"),
)


@lru_cache(maxsize=1)
def themenfelder():
    """The OZG Themenfelder of the LeiKa reference list, sorted (none without the list)."""
    services = search_index.leika_services()
    return tuple(sorted({s.themenfeld.strip() for s in services.values() if s.themenfeld.strip()}))


def number(value, lang):
    """A count as people of the language write it: 12.000 (German), 12,000 (English)."""
    text = f"{int(value):,}"
    return text.replace(",", ".") if lang == "de" else text


def facet_groups(view, form, facets, names, status_labels, own_only):
    """The facets as the page lists them: per filter its label and values, each with its count, the
    link that narrows to it and whether it is the chosen one; the chosen value stays listed (with
    the link that lifts the filter) even when the sample did not count it."""
    t = view.t
    groups = []
    for name in FILTERS:
        if name == "publisher" and own_only:
            continue
        chosen = form.values[name]
        entries = []
        for item in (facets or {}).get(FACET_OF[name], []):
            value = str(item["value"])
            entries.append(
                {
                    "value": value,
                    "label": _label(t, name, item, names, status_labels),
                    "count": number(item["count"], view.lang),
                    "href": form.url(**{name: value, "cursor": None, "start": None}),
                    "chosen": value == chosen,
                }
            )
        if chosen and not any(entry["chosen"] for entry in entries):
            label = _label(t, name, {"value": chosen, "label": chosen}, names, status_labels)
            entries.insert(0, {"value": chosen, "label": label, "count": "0", "href": None, "chosen": True})
        if not entries:
            continue
        groups.append(
            {
                "name": name,
                "heading": t(f"facet_{name}"),
                "entries": entries,
                "clear_href": form.url(**{name: None, "cursor": None, "start": None}) if chosen else None,
            }
        )
    return groups


def _label(t, name, item, names, status_labels):
    value = item["value"]
    if name == "publisher":
        return names.get(value, value)
    if name == "land":
        return LAENDER.get(str(value), item.get("label") or str(value))
    if name == "status":
        return status_labels.get(int(value), str(value))
    if name == "detaillierungsstufe":
        return t("stufe", n=value)
    return str(item.get("label") or value)


def result_items(hits, names):
    """The hits as the result template reads them: the API's fields, the publisher's name, the
    snippet as HTML (escaped text, <mark> around the words) and where it was found."""
    items = []
    for hit in hits:
        item = hit.as_dict()
        item["publisher_name"] = names.get(hit.publisher, hit.publisher)
        found = hit.snippet
        item["name_html"] = None
        item["snippet_html"] = None
        item["snippet_field"] = None
        if found and found["field"] == "name" and found["text"] == hit.name:
            item["name_html"] = Markup(search.snippet_html(found))  # snippet_html escapes the text
        elif found and found["field"] in SNIPPET_FIELDS:
            item["snippet_html"] = Markup(search.snippet_html(found))
            item["snippet_field"] = found["field"]
        items.append(item)
    return items
