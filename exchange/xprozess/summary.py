"""What a message holds, as the JSON of ``procex xprozess inspect --json`` and as a text table."""
from .read import STATUS_LABELS

ROLE_LABELS = {"model": "Prozessmodell", "visualisation": "Visualisierung", "description": "Beschreibung"}


def summarise(message):
    """{"message_type", "processes": [{id, version, name, detaillierungsstufe, status, files}]}."""
    return {
        "message_type": message.message_type,
        "processes": [
            {
                "id": p.id,
                "version": p.version,
                "name": p.name,
                "detaillierungsstufe": p.detaillierungsstufe,
                "status": p.status,
                "files": [
                    {"role": f.role, "name": f.name, "content_type": f.content_type, "size": f.size}
                    for f in p.files
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
            f"Detaillierungsstufe  {p.detaillierungsstufe or '-'}",
            f"Status               {status}",
        ]
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
                "  " + "  ".join(
                    cell.rjust(widths[i]) if i == 3 else cell.ljust(widths[i]) for i, cell in enumerate(row)
                ).rstrip()
            )
    return "\n".join(lines)
