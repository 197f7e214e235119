"""Mapping rules: how a municipality adapts a peer's model to its own names.

mapping.toml holds named rules, applied in file order:

    [[rule]]
    name = "stadt"            # shows up in diffs as the cause: mapping:stadt
    kind = "participant"      # participant | lane | system | text
    from = "Stadt Trier"
    to = "Stadt Koblenz"

- ``participant`` renames pools (participants) and the processes they hold;
- ``lane`` renames lanes (offices, roles);
- ``system`` replaces an IT system's name in labels and documentation of activities, data
  stores, data objects and text annotations;
- ``text`` replaces free text in every label and documentation.

Matching is by whole words (case-sensitive). Applying is deterministic (rules in file order,
elements in document order) and idempotent: text that already reads ``to`` is left alone, so
applying the rules twice changes nothing the second time.
"""

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml.etree import _Element

from procex.bpmn import kinds
from procex.bpmn.model import Model
from procex.bpmn.xml import BPMN_NS, local_name
from procex.core.compat import tomllib
from procex.core.errors import ProcexError

MAPPING_FILE = "mapping.toml"
KINDS = ("participant", "lane", "system", "text")
_DOC = f"{{{BPMN_NS}}}documentation"
_TEXT = f"{{{BPMN_NS}}}text"
_SYSTEM_KINDS = kinds.ACTIVITIES | {
    "dataStore",
    "dataStoreReference",
    "dataObject",
    "dataObjectReference",
    "textAnnotation",
}


class MappingError(ProcexError):
    """mapping.toml is malformed: the message names the rule and what to fix."""


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    source: str
    target: str

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(r"(?<!\w)" + re.escape(self.source) + r"(?!\w)")


@dataclass(frozen=True)
class Applied:
    """One change a rule made: which element, which property (name or documentation), before/after."""

    rule: str
    element: str
    element_type: str
    property: str
    old: str | None
    new: str | None


def load_rules(path: str | os.PathLike[str]) -> list[Rule]:
    """The rules of a mapping.toml (an absent file means no rules)."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MappingError(f"{path}: not valid TOML: {error}") from None
    return parse_rules(data.get("rule", []), str(path))


def parse_rules(items: list[dict[str, str]], source: str = "mapping.toml") -> list[Rule]:
    rules, seen = [], set()
    for number, item in enumerate(items, 1):
        where = f"{source}: rule {number}"
        if not isinstance(item, dict):
            raise MappingError(f"{where}: must be a table [[rule]]")
        name = item.get("name")
        if not name or not isinstance(name, str):
            raise MappingError(f"{where}: needs a name (it names the cause in diffs: mapping:<name>)")
        if name in seen:
            raise MappingError(f"{where}: the name {name!r} is used twice; rule names must be unique")
        seen.add(name)
        kind = item.get("kind", "text")
        if kind not in KINDS:
            raise MappingError(f"{where} ({name}): kind {kind!r} is not one of {', '.join(KINDS)}")
        source_text, target_text = item.get("from"), item.get("to")
        if not isinstance(source_text, str) or not source_text.strip() or not isinstance(target_text, str):
            raise MappingError(f"{where} ({name}): needs 'from' (not empty) and 'to' texts")
        unknown = set(item) - {"name", "kind", "from", "to"}
        if unknown:
            raise MappingError(f"{where} ({name}): unknown keys {', '.join(sorted(unknown))}")
        rules.append(Rule(name, kind, source_text, target_text))
    return rules


def replace_text(rule: Rule, text: str | None) -> str | None:
    """``text`` with the rule applied, leaving occurrences that are already part of ``to`` alone."""
    if not text or rule.source not in text:
        return text
    protected = [(m.start(), m.end()) for m in re.finditer(re.escape(rule.target), text)] if rule.target else []

    def substitute(match: re.Match[str]) -> str:
        start, end = match.span()
        if any(s <= start and end <= e for s, e in protected):
            return match.group(0)
        return rule.target

    return str(rule.pattern.sub(substitute, text))


def _targets(model: Model, rule: Rule) -> Iterator[tuple[_Element, str]]:
    """(element, property) pairs a rule looks at, in document order."""
    if rule.kind == "participant":
        for part in model.participants:
            yield part.el, "name"
            process = part.process_ref
            if process is not None:
                yield process.el, "name"
        return
    if rule.kind == "lane":
        for lane in model.lanes:
            yield lane.el, "name"
        return
    for el in model.root.iter():
        if not isinstance(el.tag, str) or not el.tag.startswith(f"{{{BPMN_NS}}}"):
            continue
        kind = local_name(el.tag)
        if rule.kind == "system" and kind not in _SYSTEM_KINDS:
            continue
        if el.get("name") is not None:
            yield el, "name"
        for doc in el.findall(_DOC):
            yield doc, "documentation"
        if kind == "textAnnotation":
            for text in el.findall(_TEXT):
                yield text, "text"


def apply_rules(model: Model, rules: list[Rule]) -> list[Applied]:
    """Apply every rule to the model (in place) and return what changed, as Applied records."""
    applied: list[Applied] = []
    for rule in rules:
        for el, prop in list(_targets(model, rule)):
            owner = el.getparent() if prop in ("documentation", "text") else el
            if prop == "name":
                old = el.get("name")
                new = replace_text(rule, old)
                if new != old:
                    el.set("name", new)
            else:
                old = el.text or ""
                new = replace_text(rule, old)
                if new != old:
                    el.text = new
            if new != old:
                applied.append(Applied(rule.name, owner.get("id") or "", local_name(owner.tag), prop, old, new))
    if applied:
        model.reindex()
    return applied


def map_text(text: str, rules: list[Rule]) -> tuple[str, list[str]]:
    """``text`` with the ``text`` rules applied in file order, and the names of the rules that
    changed it: for free text outside a model (a manifest's name, description, legal bases).

    Only ``text`` rules apply: participant, lane and system rules are tied to model elements.
    Idempotent like apply_rules.
    """
    changed_by: list[str] = []
    for rule in rules:
        if rule.kind != "text":
            continue
        new = replace_text(rule, text) or ""
        if new != text:
            changed_by.append(rule.name)
            text = new
    return text, changed_by


def explain(applied_records: Iterable[Applied]) -> dict[tuple[str, str], str]:
    """{(element id, property): rule name}: which rule explains a changed property."""
    return {(a.element, a.property): a.rule for a in applied_records}
