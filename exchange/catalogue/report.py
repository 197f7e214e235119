"""The council report (``procex report``): where the catalogue stands and what changed since the last one.

A report counts the catalogue's services by status and by OZG Themenfeld (from the LeiKa list),
the workspace's processes adopted from peers, taken from FIM master processes (XProzess imports)
and its own, and the published ones, and compares everything with the latest saved report
(``.procex/reports/<date>.json``, further saves of a day ``<date>-2.json`` …): the change of each
count, the services whose status changed, and the processes newly adopted, newly taken from FIM
or newly published. It is written as JSON (also the saved snapshot), Markdown (for the council's
documents), CSV (the counts; ``;`` and a UTF-8 BOM with German labels, for German Excel) or a
self-contained HTML page with SVG charts (no network). German labels by default.
"""

import csv
import io
import json
import re
from datetime import date
from html import escape
from pathlib import Path

from procex.bpmn.text import normalize_label
from procex.core.errors import ProcexError
from procex.core.files import atomic_write
from procex.exchange.catalogue.entries import STATUSES
from procex.exchange.catalogue.leika import load_leika

REPORT_DIR = Path(".procex") / "reports"
FORMAT = "procex-report/1"
FORMATS = ("md", "html", "csv", "json")


class ReportError(ProcexError):
    """A saved report cannot be read, or the report cannot be written."""


def today():
    """The report date; tests replace this function to fix "today"."""
    return date.today()


# --- building -----------------------------------------------------------------------------------


def _topics(leika):
    """(Themenfeld by key, Themenfeld by object key): keys newer than the list find their object's."""
    by_key, by_object = {}, {}
    for service in leika.values():
        if service.themenfeld:
            by_key[service.leistungsschluessel] = service.themenfeld
            by_object.setdefault(service.object_key, service.themenfeld)
    return by_key, by_object


def service_id(entry):
    """How a service is recognised between reports: its key, else its normalised title."""
    return entry.leistungsschluessel or "title:" + normalize_label(entry.title)


def _package(ref):
    """'trier/gewerbe@1.1.0' -> 'trier/gewerbe' (an update is not a new adoption)."""
    return (ref or "").split("@", 1)[0] or None


FIM_PREFIX = "xprozess:"  # procex.lock upstream of an XProzess import: xprozess:<id>@<version>


def is_fim(upstream):
    """Whether a lock ``upstream`` is a FIM master process (XProzess import), not a peer's package."""
    return bool(upstream) and str(upstream).startswith(FIM_PREFIX)


def process_counts(processes):
    """{"adopted", "fim", "own", "published"} of a snapshot's per-process records.

    adopted: from another municipality (a library package upstream); fim: from a FIM master
    process (upstream ``xprozess:…``); own: everything else.
    """
    fim = sum(1 for p in processes.values() if is_fim(p.get("upstream")))
    adopted = sum(1 for p in processes.values() if p.get("upstream") and not is_fim(p.get("upstream")))
    return {
        "adopted": adopted,
        "fim": fim,
        "own": len(processes) - adopted - fim,
        "published": sum(1 for p in processes.values() if p.get("published")),
    }


def snapshot(entries, lock, when, municipality=None, process_names=(), leika=None):
    """The counts and the per-service and per-process state the next report compares with."""
    leika = load_leika() if leika is None else leika
    by_key, by_object = _topics(leika)
    services = []
    by_status = {s: 0 for s in STATUSES}
    by_topic = {}
    for entry in entries:
        key = entry.leistungsschluessel
        topic = (by_key.get(key) or by_object.get(key[:8]) or "") if key else ""
        services.append(
            {
                "id": service_id(entry),
                "leistungsschluessel": key,
                "title": entry.title,
                "status": entry.status,
                "topic": topic,
            }
        )
        by_status[entry.status] = by_status.get(entry.status, 0) + 1
        counts = by_topic.setdefault(topic, {s: 0 for s in STATUSES})
        counts[entry.status] = counts.get(entry.status, 0) + 1
    processes = {}
    for name, record in sorted((lock.processes if lock else {}).items()):
        processes[name] = {
            "upstream": record.upstream or None,
            "published": record.published["ref"] if record.published else None,
            "entry": record.entry or None,
        }
    for name in process_names:
        processes.setdefault(name, {"upstream": None, "published": None, "entry": None})
    processes = dict(sorted(processes.items()))
    return {
        "format": FORMAT,
        "date": when.isoformat(),
        "municipality": municipality,
        "counts": {
            "services": len(services),
            "by_status": by_status,
            "by_topic": {t: dict(c, total=sum(c.values())) for t, c in sorted(by_topic.items(), key=_topic_order)},
            "processes": process_counts(processes),
        },
        "services": services,
        "processes": processes,
    }


def _topic_order(item):
    return (item[0] == "", item[0])


def compare(now, previous):
    """What changed from ``previous`` (a saved report) to ``now`` (a snapshot)."""
    if previous is None:
        return None
    old_services = {s["id"]: s for s in previous.get("services", [])}
    new_services = {s["id"]: s for s in now["services"]}
    status_changed = [
        {
            "leistungsschluessel": s["leistungsschluessel"],
            "title": s["title"],
            "from": old_services[i]["status"],
            "to": s["status"],
        }
        for i, s in new_services.items()
        if i in old_services and old_services[i]["status"] != s["status"]
    ]
    added = [_brief(s) for i, s in new_services.items() if i not in old_services]
    removed = [_brief(s) for i, s in old_services.items() if i not in new_services]
    old_processes = previous.get("processes", {})
    newly_adopted, newly_from_fim, newly_published = [], [], []
    for name, p in now["processes"].items():
        before = old_processes.get(name) or {}
        if p["upstream"] and _package(p["upstream"]) != _package(before.get("upstream")):
            taken = {"process": name, "upstream": p["upstream"], "entry": p["entry"]}
            (newly_from_fim if is_fim(p["upstream"]) else newly_adopted).append(taken)
        if p["published"] and p["published"] != before.get("published"):
            newly_published.append({"process": name, "ref": p["published"], "first": not before.get("published")})
    return {
        "previous_date": previous.get("date"),
        "counts": count_changes(now["counts"], previous.get("counts", {})),
        "status_changed": status_changed,
        "added": added,
        "removed": removed,
        "newly_adopted": newly_adopted,
        "newly_from_fim": newly_from_fim,
        "newly_published": newly_published,
    }


def nothing_changed(changes):
    """Whether a comparison found no change at all (every count the same, every list empty)."""
    if not changes:
        return False

    def deltas(node):
        if "change" in node:
            yield node["change"]
        else:
            for child in node.values():
                yield from deltas(child)

    return not any(deltas(changes["counts"])) and not any(
        changes.get(k)
        for k in ("status_changed", "added", "removed", "newly_adopted", "newly_from_fim", "newly_published")
    )


def _brief(service):
    return {
        "leistungsschluessel": service["leistungsschluessel"],
        "title": service["title"],
        "status": service["status"],
    }


def count_rows(counts):
    """The counts as flat rows (section, item, status, value): what CSV and the deltas list."""
    rows = [("services", "", "total", counts.get("services", 0))]
    rows += [("status", "", s, n) for s, n in counts.get("by_status", {}).items()]
    for topic, by in counts.get("by_topic", {}).items():
        rows += [("topic", topic, s, n) for s, n in by.items()]
    rows += [("processes", "", k, n) for k, n in counts.get("processes", {}).items()]
    return rows


def count_changes(now, previous):
    """Every count of either report as {"now", "previous", "change"}, nested like "counts"."""
    old = {r[:3]: r[3] for r in count_rows(previous)}
    changes = {}
    for section, item, status, value in count_rows(now):
        before = old.pop((section, item, status), 0)
        _put(changes, section, item, status, {"now": value, "previous": before, "change": value - before})
    for (section, item, status), before in old.items():  # e.g. a topic no service belongs to any more
        _put(changes, section, item, status, {"now": 0, "previous": before, "change": -before})
    return changes


_SECTIONS = {"services": "services", "status": "by_status", "topic": "by_topic", "processes": "processes"}


def _put(changes, section, item, status, value):
    if section == "services":
        changes["services"] = value
    elif section == "topic":
        changes.setdefault("by_topic", {}).setdefault(item, {})[status] = value
    else:
        changes.setdefault(_SECTIONS[section], {})[status] = value


def _change_of(changes, section, item, status):
    if section == "services":
        return changes.get("services")
    if section == "topic":
        return changes.get("by_topic", {}).get(item, {}).get(status)
    return changes.get(_SECTIONS[section], {}).get(status)


def build_report(entries, lock, when=None, previous=None, municipality=None, process_names=(), leika=None):
    """The full report: the snapshot of ``when`` plus its changes against ``previous`` (or None)."""
    report = snapshot(entries, lock, when or today(), municipality, process_names, leika)
    report["previous"] = previous.get("date") if previous else None
    report["changes"] = compare(report, previous)
    return report


# --- saved reports ------------------------------------------------------------------------------


def reports_dir(root):
    return Path(root) / REPORT_DIR


_SNAPSHOT_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:-(\d+))?")


def saved_reports(root):
    """The saved snapshots as [((date, number), path)] in the order they were saved.

    The first save of a day is ``<date>.json`` (number 1), further ones ``<date>-2.json``, … .
    Other files in the folder are not ours and are left alone.
    """
    folder = reports_dir(root)
    found = []
    for path in folder.glob("*.json") if folder.is_dir() else ():
        match = _SNAPSHOT_NAME.fullmatch(path.stem)
        if not match:
            continue
        try:
            day = date.fromisoformat(match[1])
        except ValueError:
            continue
        found.append(((day, int(match[2] or 1)), path))
    return sorted(found)


def previous_report(root, when):
    """The latest report saved before this run: the newest snapshot dated ``when`` or earlier, the
    last of its day when there are several (so a second report on the same day compares with the
    first). Snapshots dated after ``when`` are not "before" it and are skipped."""
    dated = [(key, path) for key, path in saved_reports(root) if key[0] <= when]
    if not dated:
        return None
    path = dated[-1][1]
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise ReportError(
            f"{path}: cannot read the previous report ({error}); restore it from git or "
            "move it away to compare with the one before"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or "counts" not in data:
        raise ReportError(f"{path}: not a procex report ({FORMAT}); move it out of {REPORT_DIR}")
    return _upgrade(data)


def _upgrade(data):
    """An older snapshot in today's terms: reports before the FIM figure counted XProzess imports as
    adopted; their process counts are recounted from their per-process records."""
    counts = data["counts"]
    if (
        isinstance(counts, dict)
        and isinstance(counts.get("processes"), dict)
        and "fim" not in counts["processes"]
        and isinstance(data.get("processes"), dict)
    ):
        counts["processes"] = process_counts({n: p for n, p in data["processes"].items() if isinstance(p, dict)})
    return data


def save_report(root, report):
    """Store the report as .procex/reports/<date>.json atomically (``<date>-2.json``, … when that
    day already has one: every saved report is kept); return the path."""
    day = report["date"]
    taken = [number for (when, number), _ in saved_reports(root) if when.isoformat() == day]
    number = max(taken, default=0) + 1
    path = reports_dir(root) / (f"{day}.json" if number == 1 else f"{day}-{number}.json")
    data = json.dumps(report, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    atomic_write(path, data)
    return path


# --- text ---------------------------------------------------------------------------------------

TEXTS = {
    "de": {
        "title": "Umsetzungsstand der Verwaltungsleistungen",
        "as_of": "Stand {date}",
        "compared": "Vergleich mit dem Bericht vom {date}",
        "compared_same_day": "Vergleich mit dem früheren Bericht vom selben Tag",
        "unchanged": "Seit dem letzten Bericht hat sich nichts geändert.",
        "no_previous": "Dies ist der erste Bericht: Veränderungen zeigt der nächste Bericht im Vergleich "
        "mit diesem Stand.",
        "by_status": "Leistungen nach Status",
        "by_topic": "Leistungen nach Themenfeld (OZG)",
        "processes": "Prozessmodelle",
        "changes": "Veränderungen seit dem letzten Bericht",
        "status": "Status",
        "topic": "Themenfeld",
        "now": "aktuell",
        "previous": "vorher",
        "change": "Veränderung",
        "total": "gesamt",
        "services": "Leistungen",
        "planned": "geplant",
        "in_progress": "in Umsetzung",
        "online": "online",
        "adopted": "von anderen Kommunen übernommen",
        "fim": "aus FIM-Stammprozessen übernommen",
        "own": "eigene",
        "published": "veröffentlicht",
        "unassigned": "ohne Zuordnung",
        "status_changed": "Leistungen mit neuem Status",
        "added": "Neu im Katalog",
        "removed": "Nicht mehr im Katalog",
        "newly_adopted": "Neu von anderen Kommunen übernommene Prozesse",
        "newly_from_fim": "Neu aus FIM-Stammprozessen übernommene Prozesse",
        "newly_published": "Neu veröffentlichte Prozesse",
        "none": "keine",
        "from_upstream": "übernommen von {ref}",
        "from_fim": "FIM-Stammprozess {id}",
        "fim_version": "Version {version}",
        "first": "erstmals",
        "new_version": "neue Version",
        "no_key": "ohne Schlüssel",
        "chart_status": "Leistungen nach Status: aktuell und im letzten Bericht",
        "chart_topic": "Leistungen nach Themenfeld und Status",
        "section": "Bereich",
        "item": "Thema",
        "col_status": "Status",
        "value_now": "aktuell",
        "value_previous": "vorher",
        "sections": {"services": "Leistungen", "status": "Status", "topic": "Themenfeld", "processes": "Prozesse"},
        "generated": "erstellt mit procex",
        "origin": "Herkunft",
    },
    "en": {
        "title": "Implementation of administrative services",
        "as_of": "As of {date}",
        "compared": "Compared with the report of {date}",
        "compared_same_day": "Compared with the earlier report of the same day",
        "unchanged": "Nothing has changed since the last report.",
        "no_previous": "This is the first report: the next report shows the changes since this state.",
        "by_status": "Services by status",
        "by_topic": "Services by topic (OZG Themenfeld)",
        "processes": "Process models",
        "changes": "Changes since the last report",
        "status": "Status",
        "topic": "Topic",
        "now": "now",
        "previous": "previous",
        "change": "change",
        "total": "total",
        "services": "services",
        "planned": "planned",
        "in_progress": "in progress",
        "online": "online",
        "adopted": "adopted from other municipalities",
        "fim": "taken from FIM master processes",
        "own": "own",
        "published": "published",
        "unassigned": "unassigned",
        "status_changed": "Services whose status changed",
        "added": "New in the catalogue",
        "removed": "No longer in the catalogue",
        "newly_adopted": "Processes newly adopted from other municipalities",
        "newly_from_fim": "Processes newly taken from FIM master processes",
        "newly_published": "Newly published processes",
        "none": "none",
        "from_upstream": "adopted from {ref}",
        "from_fim": "FIM master process {id}",
        "fim_version": "version {version}",
        "first": "first time",
        "new_version": "new version",
        "no_key": "no key",
        "chart_status": "Services by status: now and in the last report",
        "chart_topic": "Services by topic and status",
        "section": "section",
        "item": "item",
        "col_status": "status",
        "value_now": "now",
        "value_previous": "previous",
        "sections": {"services": "services", "status": "status", "topic": "topic", "processes": "processes"},
        "generated": "generated by procex",
        "origin": "Origin",
    },
}


def _date(iso, lang):
    day = date.fromisoformat(iso)
    return f"{day.day:02d}.{day.month:02d}.{day.year}" if lang == "de" else day.isoformat()


def _signed(n):
    if n > 0:
        return f"+{n}"
    if n < 0:
        return f"\u2212{-n}"  # a real minus sign reads better in print than a hyphen
    return "\u00b10"


def _label(t, name):
    return t.get(name, name)


def _topic_label(topic, t):
    return topic or t["unassigned"]


def _service_line(service, t):
    key = service["leistungsschluessel"] or t["no_key"]
    return f"{key} {service['title']}"


def _change_lines(report, t):
    """(heading, [line]) for each list of changes."""
    changes = report["changes"] or {}
    return [
        (
            t["status_changed"],
            [
                f"{_service_line(c, t)}: {_label(t, c['from'])} → {_label(t, c['to'])}"
                for c in changes.get("status_changed", [])
            ],
        ),
        (t["added"], [f"{_service_line(s, t)} ({_label(t, s['status'])})" for s in changes.get("added", [])]),
        (t["removed"], [f"{_service_line(s, t)} ({_label(t, s['status'])})" for s in changes.get("removed", [])]),
        (
            t["newly_adopted"],
            [
                f"{a['process']} ({t['from_upstream'].format(ref=a['upstream'])})"
                for a in changes.get("newly_adopted", [])
            ],
        ),
        (
            t["newly_from_fim"],
            [f"{a['process']} ({_fim_origin(a['upstream'], t)})" for a in changes.get("newly_from_fim", [])],
        ),
        (
            t["newly_published"],
            [
                f"{p['ref']} ({t['first'] if p['first'] else t['new_version']})"
                for p in changes.get("newly_published", [])
            ],
        ),
    ]


def _fim_origin(upstream, t):
    """'xprozess:99006028261000@01.00.00' -> 'FIM-Stammprozess 99006028261000, Version 01.00.00'."""
    ident, _, version = upstream[len(FIM_PREFIX) :].partition("@")
    text = t["from_fim"].format(id=ident)
    return f"{text}, {t['fim_version'].format(version=version)}" if version else text


def _subtitle(report, lang):
    """ "Stand …" and which report it is compared with."""
    t = TEXTS[lang]
    text = t["as_of"].format(date=_date(report["date"], lang))
    if report["changes"] is not None:
        if report["previous"] == report["date"]:
            text += " · " + t["compared_same_day"]
        else:
            text += " · " + t["compared"].format(date=_date(report["previous"], lang))
    return text


def _delta(report, section, item, status):
    """{"now", "previous", "change"} of one count, or None without a previous report."""
    changes = report["changes"]
    if not changes:
        return None
    return _change_of(changes["counts"], section, item, status)


# --- Markdown -----------------------------------------------------------------------------------

PROCESS_COUNTS = ("adopted", "fim", "own", "published")


def _md_cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(report, lang="de"):
    t = TEXTS[lang]
    has_previous = report["changes"] is not None
    lines = []
    who = f" – {report['municipality']}" if report.get("municipality") else ""
    lines.append(f"# {t['title']}{who}")
    lines.append("")
    lines += [_subtitle(report, lang), ""]
    if not has_previous:
        lines += [t["no_previous"], ""]
    unchanged = nothing_changed(report["changes"])
    if unchanged:
        lines += [t["unchanged"], ""]

    def count_table(title, head, rows):
        lines.append(f"## {title}")
        lines.append("")
        columns = [head, t["now"]] + ([t["previous"], t["change"]] if has_previous else [])
        lines.append("| " + " | ".join(columns) + " |")
        lines.append("|---" + "|---:" * (len(columns) - 1) + "|")
        for label, section, item, status in rows:
            delta = _delta(report, section, item, status)
            now = delta["now"] if delta else _count(report, section, item, status)
            cells = [_md_cell(label), str(now)]
            if has_previous:
                cells += [str(delta["previous"]), _signed(delta["change"])]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")

    count_table(
        t["by_status"],
        t["status"],
        [(t[s], "status", "", s) for s in STATUSES] + [(f"**{t['total']}**", "services", "", "total")],
    )
    # By topic: one column per status; the change is shown beside each number.
    lines += [f"## {t['by_topic']}", ""]
    columns = [t["topic"]] + [t[s] for s in STATUSES] + [t["total"]]
    lines.append("| " + " | ".join(columns) + " |")
    lines.append("|---" + "|---:" * (len(columns) - 1) + "|")
    for topic in _all_topics(report):
        cells = [_md_cell(_topic_label(topic, t))]
        for status in (*STATUSES, "total"):
            cells.append(_with_change(report, "topic", topic, status))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    count_table(t["processes"], t["origin"], [(t[k], "processes", "", k) for k in PROCESS_COUNTS])
    if has_previous and not unchanged:
        lines += [f"## {t['changes']}", ""]
        for heading, items in _change_lines(report, t):
            lines += [f"### {heading}", ""]
            lines += [f"- {_md_cell(i)}" for i in items] or [f"{t['none']}"]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _count(report, section, item, status):
    for row in count_rows(report["counts"]):
        if row[:3] == (section, item, status):
            return row[3]
    return 0


def _all_topics(report):
    """Topics now, then those that only the previous report had (with zero counts now)."""
    topics = list(report["counts"]["by_topic"])
    for topic in (report["changes"] or {}).get("counts", {}).get("by_topic", {}):
        if topic not in topics:
            topics.append(topic)
    return topics


def _with_change(report, section, item, status):
    delta = _delta(report, section, item, status)
    if delta is None:
        return str(_count(report, section, item, status))
    if delta["change"]:
        return f"{delta['now']} ({_signed(delta['change'])})"
    return str(delta["now"])


# --- CSV ----------------------------------------------------------------------------------------

CSV_DIALECT = {"de": (";", "\ufeff"), "en": (",", "")}  # separator, byte order mark


def render_csv(report, lang="de"):
    """The counts, one per line: section, item, status, now, previous, change (previous and change
    empty without a previous report). Labels in ``lang``; topic names are LeiKa's.

    German: ``;``-separated and starting with a UTF-8 byte order mark, which is what Excel in a
    German locale needs to split the columns and read the umlauts; English: ``,`` and no BOM.
    """
    t = TEXTS[lang]
    separator, bom = CSV_DIALECT[lang]
    out = io.StringIO(newline="")
    out.write(bom)
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    writer.writerow([t["section"], t["item"], t["col_status"], t["value_now"], t["value_previous"], t["change"]])
    previous = report["changes"] is not None
    for section, item, status, value in count_rows(report["counts"]):
        delta = _delta(report, section, item, status)
        label = _topic_label(item, t) if section == "topic" else item
        writer.writerow(
            [
                t["sections"][section],
                label,
                _label(t, status),
                value,
                delta["previous"] if previous else "",
                delta["change"] if previous else "",
            ]
        )
    if previous:  # topics that only the previous report had (no service belongs to them any more)
        for topic in _all_topics(report)[len(report["counts"]["by_topic"]) :]:
            for status, delta in report["changes"]["counts"]["by_topic"][topic].items():
                writer.writerow(
                    [
                        t["sections"]["topic"],
                        _topic_label(topic, t),
                        _label(t, status),
                        0,
                        delta["previous"],
                        delta["change"],
                    ]
                )
    return out.getvalue()


# --- HTML with SVG charts -----------------------------------------------------------------------

# Bars carry white numbers: each colour has at least 4.5:1 contrast with white (WCAG AA).
COLOURS = {"planned": "#5c6670", "in_progress": "#945f00", "online": "#2e7d32"}
_CSS = """
body{font-family:"Segoe UI",Arial,sans-serif;color:#1d2327;max-width:58rem;margin:2rem auto;padding:0 1rem;
line-height:1.45}h1{font-size:1.6rem;margin-bottom:.2rem}
h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}
h3{font-size:1rem;margin-bottom:.3rem}.sub{color:#555;margin-top:0}
table{border-collapse:collapse;margin:.5rem 0}
th,td{padding:.25rem .7rem;border-bottom:1px solid #e3e6ea;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tr.total td{font-weight:600}
.up{color:#2e7d32}.down{color:#b3261e}.same{color:#595959}svg{max-width:100%;height:auto}
footer{margin-top:3rem;color:#595959;font-size:.85rem}
@media print{body{margin:0}h2{break-after:avoid}svg{break-inside:avoid}}
"""


def _nice_step(maximum, ticks=4):
    """A round step (1, 2, 5 x 10^k) so that about ``ticks`` grid lines cover ``maximum``."""
    if maximum <= 0:
        return 1
    raw = maximum / ticks
    power = 10 ** max(0, len(str(int(raw))) - 1)
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def svg_status_chart(report, lang="de"):
    """Grouped bars per status: the previous report's count (pale) beside today's."""
    t = TEXTS[lang]
    now = report["counts"]["by_status"]
    previous = None
    if report["changes"]:
        previous = {s: _delta(report, "status", "", s)["previous"] for s in STATUSES}
    width, height, left, right, top, bottom = 560, 300, 48, 16, 40, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    maximum = max([*now.values(), *(previous or {}).values(), 1])
    step = _nice_step(maximum)
    top_value = -(-(maximum + max(1, maximum // 10)) // step) * step  # headroom for the value labels
    y = lambda v: top + plot_h - plot_h * v / top_value  # noqa: E731
    group_w = plot_w / len(STATUSES)
    bar_w = min(56, group_w / 3)
    title = escape(t["chart_status"])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="status-title" font-family="Arial,sans-serif" '
        f'font-size="12"><title id="status-title">{title}</title>'
    ]
    for v in range(0, top_value + 1, step):
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e3e6ea"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="#555">{v}</text>'
        )
    for index, status in enumerate(STATUSES):
        centre = left + group_w * (index + 0.5)
        bars = [("now", now.get(status, 0), 1.0)]
        if previous is not None:
            bars.insert(0, ("previous", previous[status], 0.4))
        start = centre - bar_w * len(bars) / 2
        for offset, (which, value, opacity) in enumerate(bars):
            x = start + offset * bar_w
            label = f"{t[status]}, {t[which]}: {value}"
            out.append(
                f'<rect x="{x + 2:.1f}" y="{y(value):.1f}" width="{bar_w - 4:.1f}" '
                f'height="{y(0) - y(value):.1f}" fill="{COLOURS[status]}" fill-opacity="{opacity}">'
                f"<title>{escape(label)}</title></rect>"
                f'<text x="{x + bar_w / 2:.1f}" y="{y(value) - 5:.1f}" text-anchor="middle">{value}</text>'
            )
        out.append(
            f'<text x="{centre:.1f}" y="{height - bottom + 18}" text-anchor="middle" '
            f'font-weight="bold">{escape(t[status])}</text>'
        )
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#333"/>')
    if previous is not None:
        legend = [
            (0.4, f"{t['previous']} ({_date(report['previous'], lang)})"),
            (1.0, f"{t['now']} ({_date(report['date'], lang)})"),
        ]
        x = left
        for opacity, text in legend:
            out.append(
                f'<rect x="{x}" y="12" width="14" height="14" fill="#555" fill-opacity="{opacity}"/>'
                f'<text x="{x + 20}" y="24">{escape(text)}</text>'
            )
            x += 40 + 7 * len(text)
    out.append("</svg>")
    return "".join(out)


def svg_topic_chart(report, lang="de"):
    """One stacked bar per Themenfeld: how many of its services are planned, in progress, online."""
    t = TEXTS[lang]
    topics = report["counts"]["by_topic"]
    row_h, label_w, width, top = 24, 250, 720, 34
    height = top + row_h * max(1, len(topics)) + 10
    maximum = max([c["total"] for c in topics.values()] + [1])
    scale = (width - label_w - 50) / maximum
    title = escape(t["chart_topic"])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="topic-title" font-family="Arial,sans-serif" '
        f'font-size="12"><title id="topic-title">{title}</title>'
    ]
    x = label_w
    for status in STATUSES:
        out.append(
            f'<rect x="{x}" y="8" width="14" height="14" fill="{COLOURS[status]}"/>'
            f'<text x="{x + 20}" y="20">{escape(t[status])}</text>'
        )
        x += 40 + 7 * len(t[status])
    for row, (topic, counts) in enumerate(topics.items()):
        y = top + row * row_h
        out.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(_topic_label(topic, t))}</text>')
        x = label_w
        for status in STATUSES:
            value = counts.get(status, 0)
            if not value:
                continue
            w = value * scale
            out.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
                f'fill="{COLOURS[status]}"><title>{escape(f"{_topic_label(topic, t)}, {t[status]}: {value}")}'
                f"</title></rect>"
            )
            if w >= 18:
                out.append(f'<text x="{x + w / 2:.1f}" y="{y + 16}" text-anchor="middle" fill="#fff">{value}</text>')
            x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + 16}" fill="#333">{counts["total"]}</text>')
    out.append("</svg>")
    return "".join(out)


def _html_change(delta):
    if delta is None:
        return ""
    n = delta["change"]
    css = "up" if n > 0 else "down" if n < 0 else "same"
    return f'<td class="n">{delta["previous"]}</td><td class="n {css}">{_signed(n)}</td>'


def render_html(report, lang="de"):
    """A self-contained page (inline CSS and SVG, no scripts, nothing loaded from the network)."""
    t = TEXTS[lang]
    has_previous = report["changes"] is not None
    who = f" – {report['municipality']}" if report.get("municipality") else ""
    subtitle = _subtitle(report, lang)
    unchanged = nothing_changed(report["changes"])
    parts = [
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(t['title'] + who)}</title><style>{_CSS}</style></head><body><main>",
        f'<h1>{escape(t["title"] + who)}</h1><p class="sub">{escape(subtitle)}</p>',
    ]
    if not has_previous:
        parts.append(f"<p>{escape(t['no_previous'])}</p>")
    if unchanged:
        parts.append(f"<p>{escape(t['unchanged'])}</p>")

    def table(title, head, rows):
        extra = (
            f'<th class="n">{escape(t["previous"])}</th><th class="n">{escape(t["change"])}</th>'
            if has_previous
            else ""
        )
        html = [
            f"<h2>{escape(title)}</h2><table><thead><tr><th>{escape(head)}</th>"
            f'<th class="n">{escape(t["now"])}</th>{extra}</tr></thead><tbody>'
        ]
        for label, section, item, status, css in rows:
            delta = _delta(report, section, item, status)
            now = _count(report, section, item, status)
            html.append(f'<tr class="{css}"><td>{escape(label)}</td><td class="n">{now}</td>{_html_change(delta)}</tr>')
        html.append("</tbody></table>")
        return "".join(html)

    parts.append(
        table(
            t["by_status"],
            t["status"],
            [(t[s], "status", "", s, "") for s in STATUSES] + [(t["total"], "services", "", "total", "total")],
        )
    )
    parts.append(svg_status_chart(report, lang))
    parts.append(f"<h2>{escape(t['by_topic'])}</h2>")
    parts.append(svg_topic_chart(report, lang))
    head = "".join(f'<th class="n">{escape(t[s])}</th>' for s in (*STATUSES, "total"))
    rows = []
    for topic in _all_topics(report):
        cells = "".join(
            f'<td class="n">{escape(_with_change(report, "topic", topic, s))}</td>' for s in (*STATUSES, "total")
        )
        rows.append(f"<tr><td>{escape(_topic_label(topic, t))}</td>{cells}</tr>")
    parts.append(
        f"<table><thead><tr><th>{escape(t['topic'])}</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    parts.append(table(t["processes"], t["origin"], [(t[k], "processes", "", k, "") for k in PROCESS_COUNTS]))
    if has_previous and not unchanged:
        parts.append(f"<h2>{escape(t['changes'])}</h2>")
        for heading, items in _change_lines(report, t):
            listed = "".join(f"<li>{escape(i)}</li>" for i in items) if items else None
            body = f"<ul>{listed}</ul>" if listed else f"<p>{escape(t['none'])}</p>"
            parts.append(f"<h3>{escape(heading)}</h3>{body}")
    parts.append(
        f"</main><footer>{escape(_date(report['date'], lang))} · {escape(t['generated'])}</footer></body></html>\n"
    )
    return "".join(parts)


# --- output -------------------------------------------------------------------------------------


def render(report, fmt="md", lang="de"):
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return render_markdown(report, lang)
    if fmt == "csv":
        return render_csv(report, lang)
    if fmt == "html":
        return render_html(report, lang)
    raise ReportError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")


def make_report(
    root, entries, lock, fmt="md", lang="de", save=False, output=None, when=None, municipality=None, process_names=()
):
    """Build the report of the workspace at ``root``, optionally save the snapshot and write it.

    Returns (text, saved path or None, output path or None). Nothing is written when building fails.
    """
    when = when or today()
    previous = previous_report(root, when)
    report = build_report(entries, lock, when, previous, municipality, process_names)
    text = render(report, fmt, lang)
    saved = save_report(root, report) if save else None
    if output:
        atomic_write(output, text)
    return text, saved, Path(output) if output else None


def report_for_workspace(ws, fmt="md", lang="de", save=False, output=None, when=None):
    """``make_report`` over a workspace: its catalogue, lock, process files and municipality."""
    return make_report(
        ws.root,
        ws.catalogue(),
        ws.lock(),
        fmt,
        lang,
        save,
        output,
        when,
        ws.municipality.get("name"),
        ws.process_names(),
    )
