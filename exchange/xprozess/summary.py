"""What a message holds, as the JSON of ``procex xprozess inspect --json`` and as a text table."""

from datetime import datetime, tzinfo

from procex.exchange.xprozess.read import STATUS_LABELS

try:
    from zoneinfo import ZoneInfo

    BERLIN: tzinfo | None = ZoneInfo("Europe/Berlin")
except Exception:  # no time zone database (Windows without tzdata): days stay as written in UTC
    BERLIN = None

ROLE_LABELS = {"model": "Prozessmodell", "visualisation": "Visualisierung", "description": "Beschreibung"}


ALL_LAENDER = {f"{n:02d}" for n in range(1, 17)}
STATE_LABELS = (  # the zustandsangaben a reader wants to see, in this order
    ("gueltigkeitszeitraum.beginn", "Gültig ab"),
    ("gueltigkeitszeitraum.ende", "Gültig bis"),
    ("fachlicherFreigabezeitpunkt", "Fachlich freigegeben"),
    ("formellerFreigabezeitpunkt", "Formell freigegeben"),
    ("letzterAenderungszeitpunkt", "Zuletzt geändert"),
    ("letzterBearbeiter", "Geändert von"),
    ("anmerkungLetzteAenderung", "Änderungsnotiz"),
)


def summarise(message):
    """{"message_type", "uuid", "product", "processes": [{id, version, name, bezeichnung,
    detaillierungsstufe, status, releasing_body, regions, zustandsangaben, files}]}."""
    return {
        "message_type": message.message_type,
        "uuid": message.uuid,
        "product": message.product,
        "processes": [
            {
                "id": p.id,
                "version": p.version,
                "name": p.name,
                "bezeichnung": p.bezeichnung,
                "detaillierungsstufe": p.detaillierungsstufe,
                "status": p.status,
                "releasing_body": p.releasing_body,
                "regions": [{"kind": kind, "code": code} for kind, code in p.regions],
                "zustandsangaben": dict(p.zustandsangaben),
                "files": [
                    {"role": f.role, "name": f.name, "content_type": f.content_type, "size": f.size} for f in p.files
                ],
            }
            for p in message.processes
        ],
    }


def format_table(message):
    """A readable overview in German: one block per prozess, its files and what the ZIPs hold."""
    lines = [f"{message.source}: {message.message_type}, {len(message.processes)} Prozess(e)"]
    if message.author or message.created:
        lines.append(f"Autor: {message.author or '-'}, erstellt: {message.created or '-'}")
    for p in message.processes:
        status = f"{p.status} {STATUS_LABELS.get(p.status, '')}".strip() if p.status else "-"
        lines += [
            "",
            f"Leistungsschlüssel   {p.id}",
            f"Version              {p.version or '-'}",
            f"Name                 {p.name or '-'}",
        ]
        if p.bezeichnung and p.bezeichnung != p.name:
            lines.append(f"Bezeichnung          {p.bezeichnung}")
        lines += [
            f"Detaillierungsstufe  {p.detaillierungsstufe or '-'}",
            f"Status               {status}",
        ]
        if p.releasing_body:
            lines.append(f"Freigebende Stelle   {p.releasing_body}")
        if p.regions:
            lines.append(f"Gilt für             {_regions(p.regions)}")
        for key, label in STATE_LABELS:
            if p.zustandsangaben.get(key):
                lines.append(f"{label:<21}{_date(p.zustandsangaben[key])}")
        if p.legal_bases:
            lines.append(f"Handlungsgrundlagen  {'; '.join(b.name for b in p.legal_bases)}")
        if p.keywords:
            lines.append(f"Schlagwörter         {', '.join(p.keywords)}")
        rows = [("Rolle", "Datei", "Inhalt", "Bytes")]
        for f in p.files:
            rows.append((ROLE_LABELS.get(f.role, f.role), f.name, f.content_type, f"{f.size:,}"))
            for m in f.members:
                kind = m.content_type + (" (BPMN-Modell)" if m.is_bpmn else "")
                rows.append(("", f"  └ {m.name}", kind, f"{m.size:,}"))
        if len(rows) == 1:
            lines.append("Dateien              keine")
            continue
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines.append("")
        for row in rows:
            lines.append(
                "  "
                + "  ".join(
                    cell.rjust(widths[i]) if i == 3 else cell.ljust(widths[i]) for i, cell in enumerate(row)
                ).rstrip()
            )
    return "\n".join(lines)


def _regions(regions):
    """'bundesweit (alle 16 Länder)', or the codes by kind: 'bundesland 07; gemeinde 07211000'."""
    codes_by_kind = {}
    for kind, code in regions:
        codes_by_kind.setdefault(kind, []).append(code or "?")
    if set(codes_by_kind) == {"bundesland"} and set(codes_by_kind["bundesland"]) == ALL_LAENDER:
        return "bundesweit (alle 16 Länder)"
    return "; ".join(f"{kind} {', '.join(codes)}" for kind, codes in codes_by_kind.items())


def _date(value):
    """An ISO timestamp as the German calendar day it names, other text as it is.

    FIM writes midnight German time in UTC (2019-12-31T23:00:00.000Z is 1 January 2020), so the
    day is taken in Europe/Berlin, not cut from the string.
    """
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is not None and BERLIN is not None:
        moment = moment.astimezone(BERLIN)
    return moment.date().isoformat()
