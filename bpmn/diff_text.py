"""Text forms of the adaptation diff: the report ``procex diff`` prints, and the line-oriented
description of one model that ``procex textconv`` gives git (with a readable fallback for a file
that is not readable BPMN, so that one broken file does not stop ``git diff`` or ``git log -p``).

German by default (reviewers in German municipalities read it), English with ``lang="en"``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from procex.bpmn.match import matchable
from procex.bpmn.normalize import Value, element_properties

if TYPE_CHECKING:
    from procex.bpmn.diff import Diff
    from procex.bpmn.errors import BpmnReadError
    from procex.bpmn.model import Model

KIND_WORDS = {
    "de": {
        "added": "hinzugefügt",
        "removed": "entfernt",
        "renamed": "umbenannt",
        "retyped": "Typ geändert",
        "changed": "geändert",
        "moved": "verschoben",
        "relaned": "Lane gewechselt",
        "rewired": "neu verbunden",
        "layout": "nur Layout",
    },
    "en": {
        "added": "added",
        "removed": "removed",
        "renamed": "renamed",
        "retyped": "retyped",
        "changed": "changed",
        "moved": "moved",
        "relaned": "relaned",
        "rewired": "rewired",
        "layout": "layout only",
    },
}
TYPE_WORDS_DE = {
    "task": "Aufgabe",
    "userTask": "Benutzeraufgabe",
    "serviceTask": "Serviceaufgabe",
    "sendTask": "Sendeaufgabe",
    "receiveTask": "Empfangsaufgabe",
    "manualTask": "manuelle Aufgabe",
    "businessRuleTask": "Geschäftsregelaufgabe",
    "scriptTask": "Skriptaufgabe",
    "subProcess": "Teilprozess",
    "adHocSubProcess": "Ad-hoc-Teilprozess",
    "transaction": "Transaktion",
    "callActivity": "Aufrufaktivität",
    "startEvent": "Startereignis",
    "endEvent": "Endereignis",
    "intermediateCatchEvent": "Zwischenereignis (eintretend)",
    "intermediateThrowEvent": "Zwischenereignis (auslösend)",
    "boundaryEvent": "angeheftetes Ereignis",
    "exclusiveGateway": "exklusives Gateway",
    "inclusiveGateway": "inklusives Gateway",
    "parallelGateway": "paralleles Gateway",
    "eventBasedGateway": "ereignisbasiertes Gateway",
    "complexGateway": "komplexes Gateway",
    "dataObject": "Datenobjekt",
    "dataObjectReference": "Datenobjekt",
    "dataStoreReference": "Datenspeicher",
    "dataStore": "Datenspeicher",
    "sequenceFlow": "Sequenzfluss",
    "messageFlow": "Nachrichtenfluss",
    "association": "Assoziation",
    "lane": "Lane",
    "participant": "Pool",
    "process": "Prozess",
    "textAnnotation": "Textanmerkung",
    "group": "Gruppe",
}
PROPERTY_WORDS_DE = {
    "name": "Name",
    "text": "Text",
    "type": "Typ",
    "lane": "Lane",
    "parent": "Ort",
    "sourceRef": "Quelle",
    "targetRef": "Ziel",
    "documentation": "Dokumentation",
    "bounds": "Position/Größe",
    "waypoints": "Verlauf",
    "default": "Standardfluss",
    "conditionExpression": "Bedingung",
}
# The terminal colour of each kind of change; the CLI styles lines with it (bpmn/ knows no terminal).
COLOURS = {
    "added": "green",
    "removed": "red",
    "renamed": "yellow",
    "retyped": "yellow",
    "changed": "yellow",
    "moved": "cyan",
    "relaned": "cyan",
    "rewired": "magenta",
    "layout": "bright_black",
}


def type_word(element_type: str, lang: str = "de") -> str:
    return TYPE_WORDS_DE.get(element_type, element_type) if lang == "de" else element_type


def quote(text: object, lang: str = "de") -> str:
    """A name or value in quotes: „…“ in German, '…' in English (as the validation messages quote)."""
    return f"„{text}“" if lang == "de" else f"'{text}'"


def _value(value: object, lang: str = "de") -> str:
    if value is None:
        return "–"
    if isinstance(value, dict):
        return ",".join(f"{v}" for v in value.values())
    if isinstance(value, list):
        return " ".join(",".join(str(c) for c in p) if isinstance(p, list) else str(p) for p in value)
    return quote(str(value), lang)


def format_summary(diff: Diff, lang: str = "de") -> str:
    words = KIND_WORDS[lang]
    counts = diff.summary
    semantic = sum(counts[k] for k in counts if k != "layout")
    parts = [f"{counts[k]} {words[k]}" for k in counts if k != "layout" and counts[k]]
    if lang == "de":
        head = (
            "keine inhaltlichen Änderungen"
            if not semantic
            else f"{semantic} inhaltliche Änderung{'en' if semantic != 1 else ''}"
        )
        tail = f"; {counts['layout']} nur Layout" if counts["layout"] else ""
    else:
        head = "no semantic changes" if not semantic else f"{semantic} semantic change{'s' if semantic != 1 else ''}"
        tail = f"; {counts['layout']} layout only" if counts["layout"] else ""
    return head + (": " + ", ".join(parts) if parts else "") + tail


MODE_WORDS = {
    "de": {"versions": "Versionen eines Modells", "independent": "unabhängig erstellte Modelle", "id": "nur nach ID"},
    "en": {"versions": "versions of one model", "independent": "models made apart", "id": "by id only"},
}


def describe_lineage(lineage: Mapping[str, Any], lang: str = "de") -> str:  # the JSON record
    """One line saying how the elements were paired and why (from ``Matching.lineage``)."""
    if not lineage:
        return ""
    # values of the JSON record: known words are put into words, anything else is shown as it is
    mode: Any = lineage.get("mode")
    basis: Any = lineage.get("basis")
    word = MODE_WORDS[lang].get(mode, mode)
    shared, same, compared = lineage.get("shared_ids"), lineage.get("same_place_labels"), lineage.get("compared")
    if lang == "de":
        why = {
            "requested": f"mit --match {mode} gewählt",
            "ids": f"{shared} von {compared} Flussknoten mit gleicher ID",
            "labels": f"IDs neu vergeben, {same} von {compared} Bezeichnungen gleich und an gleicher Stelle",
            "neither": f"nur {shared} von {compared} IDs gleich, {same} Bezeichnungen gleich und an gleicher Stelle",
            "empty": "eine Seite hat keine Flussknoten",
        }.get(basis, basis)
        line = f"Paarung: {word} ({why})"
        if mode == "independent":
            line += "; nur sichere und wahrscheinliche Paare ergeben Änderungen"
    else:
        why = {
            "requested": f"chosen with --match {mode}",
            "ids": f"{shared} of {compared} flow nodes keep their id",
            "labels": f"ids regenerated, {same} of {compared} labels the same and in the same place",
            "neither": f"only {shared} of {compared} ids the same, {same} labels the same and in the same place",
            "empty": "one side has no flow nodes",
        }.get(basis, basis)
        line = f"pairing: {word} ({why})"
        if mode == "independent":
            line += "; only certain and likely pairs give changes"
    return line


def describe_note(note: Mapping[str, Any], lang: str = "de") -> str:  # the JSON note
    if note.get("code") == "similarity_skipped":
        if lang == "de":
            return (
                f"Hinweis: {note['unpaired']} Elemente ohne gleiche ID, mehr als {note['limit']}: "
                "nur nach ID gepaart (keine Ähnlichkeitssuche)"
            )
        return f"note: {note['unpaired']} elements without a shared id, more than {note['limit']}: paired by id only"
    return str(note)


def format_text(
    diff: Diff, lang: str = "de", style: Callable[[str, str], str] | None = None, layout: bool = True
) -> str:
    """The report: a summary line, then the changes grouped by kind, with names and ids.

    ``style(text, kind)``, when given, colours a heading or change line for its kind (see COLOURS).
    """
    style = style or (lambda text, kind: text)
    words = KIND_WORDS[lang]
    lines = [
        f"{diff.old_path or 'alt'} → {diff.new_path or 'neu'}"
        if lang == "de"
        else f"{diff.old_path or 'old'} → {diff.new_path or 'new'}",
        format_summary(diff, lang),
    ]
    matching = getattr(diff, "matching", None)
    if matching is not None and matching.lineage:
        lines.append(describe_lineage(matching.lineage, lang))
        lines.extend(describe_note(note, lang) for note in matching.notes)
    for kind in words:
        group = [c for c in diff.changes if c.kind == kind]
        if not group or (kind == "layout" and not layout):
            continue
        lines.append("")
        lines.append(style(f"{words[kind]} ({len(group)}):", kind))
        for change in group:
            ident = change.new_id or change.old_id
            if change.old_id and change.new_id and change.old_id != change.new_id:
                ident = f"{change.old_id} → {change.new_id}"
            label = f"{quote(change.name, lang)} " if change.name else ""
            how = ""
            if change.match == "similarity":
                how = f" (ähnlich {change.score:.2f})" if lang == "de" else f" (similar {change.score:.2f})"
            lines.append(style(f"  {type_word(change.element_type, lang)} {label}[{ident}]{how}", kind))
            for detail in change.details:
                prop = detail["property"]
                if lang == "de":
                    prop = PROPERTY_WORDS_DE.get(prop, prop)
                lines.append(f"      {prop}: {_value(detail['old'], lang)} → {_value(detail['new'], lang)}")
    if matching is not None and matching.possible:
        lines.append("")
        lines.append(
            f"Mögliche Entsprechungen ({len(matching.possible)}, nicht als Änderung gezählt):"
            if lang == "de"
            else f"Possible counterparts ({len(matching.possible)}, not counted as changes):"
        )
        similar = "ähnlich" if lang == "de" else "similar"
        for pair in matching.possible:
            o, n = matching.old_items[pair.old_id], matching.new_items[pair.new_id]
            left = f"{type_word(o.type, lang)} {quote(o.label, lang) + ' ' if o.label else ''}[{o.id}]"
            right = f"{type_word(n.type, lang)} {quote(n.label, lang) + ' ' if n.label else ''}[{n.id}]"
            lines.append(f"  {left} ~ {right} ({similar} {pair.score:.2f})")
    for side, uris in diff.unshared_namespaces.items():
        if uris:
            if lang == "de":
                lines.append(
                    f"\nHinweis: Erweiterungen nur im {'alten' if side == 'old' else 'neuen'} Modell, nicht "
                    f"verglichen (Werkzeug-eigene Namensräume; --extensions all vergleicht sie): " + ", ".join(uris)
                )
            else:
                lines.append(
                    f"\nnote: extensions only in the {side} model, not compared (the writing tool's own "
                    "namespaces; --extensions all compares them): " + ", ".join(uris)
                )
    return "\n".join(lines)


# --- textconv: one model as stable lines ---------------------------------------------------------


def describe_model(model: Model) -> str:
    """A stable, line-oriented semantic description of one model, for ``git diff`` (textconv).

    One line per element (sorted by container, kind, id), then one indented line per property, so a
    rename, a relane or a changed timer changes one line. Layout is left out.
    """
    items = matchable(model)
    lines: list[str] = []

    def resolve(ident: str, raw: str) -> Value:
        item = items.get(ident)
        if item is not None:
            return Value(ident, f"{item.label or ident} [{ident}]")
        el = model.element(ident)
        from procex.bpmn.diff import describe

        text = describe(el, model) if el is not None else raw.strip()
        return Value(text, text)

    def name_of(ident: str | None) -> str:
        item = items.get(ident) if ident is not None else None
        return f'"{item.label}" [{ident}]' if item is not None and item.label else f"[{ident}]"

    order = {k: i for i, k in enumerate(("participant", "process", "lane"))}
    for item in sorted(
        items.values(),
        key=lambda it: (
            it.container or "",
            order.get(it.type, 9),
            it.type in ("sequenceFlow", "messageFlow", "association"),
            it.id,
        ),
    ):
        head = f"{item.type} {name_of(item.id)}"
        if item.container:
            head += f" in [{item.container}]"  # by id: renaming a process must not touch every line
        lines.append(head)
        if item.lane:
            lines.append(f"    lane: {name_of(item.lane)}")
        if item.type == "lane" and item.parent:
            lines.append(f"    parent: {name_of(item.parent)}")
        if item.source or item.target:
            lines.append(f"    {name_of(item.source)} -> {name_of(item.target)}")
        props = element_properties(item.el, resolve, item.type in ("sequenceFlow", "messageFlow", "association"))
        for key in sorted(props):
            show = props[key].show
            show = " ".join(str(show).split())
            lines.append(f"    {key}: {show}")
    return "\n".join(lines) + "\n"


# --- textconv of a file that is not readable BPMN ------------------------------------------------

_FALLBACK = {
    "de": {
        "head": "procex: keine lesbare BPMN-Datei: {reason}{where}; {what}",
        "where": " (Zeile {line}{column})",
        "column": ", Spalte {column}",
        "text": "es folgt der Rohtext",
        "binary": "Binärdaten",
        "large": "nur Größe und Prüfsumme",
        "empty": "die Datei ist leer",
        "size": "Größe: {size} Bytes, sha256: {digest}",
    },
    "en": {
        "head": "procex: not readable as BPMN: {reason}{where}; {what}",
        "where": " (line {line}{column})",
        "column": ", column {column}",
        "text": "the raw text follows",
        "binary": "binary data",
        "large": "size and checksum only",
        "empty": "the file is empty",
        "size": "size: {size} bytes, sha256: {digest}",
    },
}
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")


def textconv_text(path: str | os.PathLike[str], max_bytes: int | None = None, lang: str = "de") -> str:
    """What ``procex textconv`` prints for a file: ``describe_model`` of the model, or, when the
    file cannot be read as BPMN, one line saying so and why, then the raw text (or, for binary
    data and files over ``max_bytes``, a line with the size and sha256). git shows this in
    ``git diff`` and ``git log -p``; it never names the (temporary) path, so two versions of a
    broken file differ only where their content does. A file that cannot be opened at all raises
    OSError (there is nothing to show)."""
    from pathlib import Path

    from procex.bpmn.errors import BpmnReadError
    from procex.bpmn.model import Model
    from procex.bpmn.xml import DEFAULT_MAX_BYTES

    path = Path(path)
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    size = path.stat().st_size
    if size > limit:
        reason = f"file is {size:,} bytes, over the limit of {limit:,} (--max-bytes)"
        return _fallback(BpmnReadError(reason), None, lang, digest=_sha256_of(path), size=size)
    data = path.read_bytes()
    try:
        model = Model.from_bytes(data, str(path), limit)
    except BpmnReadError as error:
        return _fallback(error, data, lang)
    return describe_model(model)


def _sha256_of(path: str | os.PathLike[str]) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _as_text(data: bytes) -> str | None:
    """The bytes as text (UTF-8, or the encoding the XML declaration names), or None for binary data."""
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _DECLARED_ENCODING.match(data)
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            return None
    return None


def _fallback(
    error: BpmnReadError, data: bytes | None, lang: str, digest: str | None = None, size: int | None = None
) -> str:
    import hashlib

    words = _FALLBACK[lang]
    where = ""
    if error.line:
        column = words["column"].format(column=error.column) if error.column else ""
        where = words["where"].format(line=error.line, column=column)
    text = _as_text(data) if data is not None else None
    if data is None:
        what = words["large"]
    else:
        what = words["binary"] if text is None else words["text"] if text else words["empty"]
    head = words["head"].format(reason=error.reason, where=where, what=what)
    if text is None:
        if digest is None and data is not None:
            digest, size = hashlib.sha256(data).hexdigest(), len(data)
        return head + "\n" + words["size"].format(size=size, digest=digest) + "\n"
    if text and not text.endswith("\n"):
        text += "\n"
    return head + "\n" + text


def cause_words(cause: str, lang: str = "de") -> str:
    """A change's cause in words: 'mapping:a+b' -> 'Zuordnungsregeln a+b', 'local' -> 'lokale Bearbeitung',
    'mapping:a+local' (a rule and a person) -> both. Causes come from the workspace's adaptation diff."""
    german = lang != "en"
    local = "lokale Bearbeitung" if german else "local edit"
    if not cause.startswith("mapping:"):
        return local
    rules = cause[len("mapping:") :]
    mixed = rules.endswith("+local")
    rules = rules.removesuffix("+local")
    noun = (
        ("Zuordnungsregeln " if "+" in rules else "Zuordnungsregel ")
        if german
        else ("mapping rules " if "+" in rules else "mapping rule ")
    )
    return noun + rules + (f" und {local}" if german else f" and {local}") * mixed
