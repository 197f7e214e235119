"""The example processes of "Stadt Trier" (AGS 07211000) as compact descriptions.

Each function returns one `spec.Model`: a pool for the applicant and a pool for the city with
lanes named after offices, nodes on a grid, flows, message flows and the package manifest.
The organisation, IT systems and fees are realistic but invented for the examples.
"""
from .spec import (Flow, Lane, MessageFlow, Model, Pool, boundary, catch, copy_model, end,
                   gateway, start, task)

AGS = "07211000"
MAILBOX = "prozesse@trier.example"


def manifest(slug, name, keys, description, keywords, legal_basis, office, status=4,
             detaillierungsstufe=103, version="1.0.0"):
    return {
        "publisher": "trier",
        "slug": slug,
        "version": version,
        "name": name,
        "leistungsschluessel": keys,
        "description": description,
        "keywords": keywords,
        "detaillierungsstufe": detaillierungsstufe,
        "status": status,
        "region": {"ags": AGS, "name": "Stadt Trier"},
        "contact": {"office": office, "mailbox": MAILBOX},
        "license": "dl-de/by-2-0",
        "legal_basis": legal_basis,
    }


def _namespace(slug):
    return f"https://prozesse.trier.example/bpmn/{slug}"


def _applicant(name, process_id, nodes, flows, rows=1, doc=None):
    return Pool("Participant_Antragsteller", name, process_id, name,
                nodes=nodes, flows=flows, rows=rows, doc=doc)


# --- Gewerbeanmeldung -----------------------------------------------------------------------

def gewerbeanmeldung():
    G, S, K, A = "Lane_Gewerbe", "Lane_Sachgebietsleitung", "Lane_Kasse", None
    applicant = _applicant(
        "Antragsteller/in", "Process_Antragsteller",
        nodes=[
            start("Start_Gewerbe_aufnehmen", "Gewerbe soll aufgenommen werden", A, 0),
            task("Task_Anzeige_stellen", "Gewerbeanzeige im Serviceportal stellen", A, 1,
                 kind="sendTask", message="Message_Gewerbeanzeige",
                 doc="Online-Formular GewA 1 im Serviceportal der Stadt Trier; Anmeldung mit "
                     "BundID oder ELSTER-Unternehmenskonto, Gebühr wird online bezahlt."),
            gateway("Gateway_Warten", "", A, 2),
            gateway("Gateway_Antwort", "", A, 3, kind="eventBasedGateway"),
            catch("Event_Nachforderung_erhalten", "Nachforderung erhalten", A, 4, row=1,
                  message="Message_Nachforderung"),
            task("Task_Angaben_nachreichen", "Fehlende Angaben nachreichen", A, 5, row=1,
                 kind="sendTask", message="Message_Nachreichung"),
            catch("Event_Bescheinigung_erhalten", "Empfangsbescheinigung erhalten", A, 9,
                  message="Message_Empfangsbescheinigung"),
            end("End_Gewerbe_darf_beginnen", "Gewerbe angemeldet", A, 11),
        ],
        flows=[
            Flow("Start_Gewerbe_aufnehmen", "Task_Anzeige_stellen"),
            Flow("Task_Anzeige_stellen", "Gateway_Warten"),
            Flow("Gateway_Warten", "Gateway_Antwort"),
            Flow("Gateway_Antwort", "Event_Nachforderung_erhalten"),
            Flow("Gateway_Antwort", "Event_Bescheinigung_erhalten"),
            Flow("Event_Nachforderung_erhalten", "Task_Angaben_nachreichen"),
            Flow("Task_Angaben_nachreichen", "Gateway_Warten"),
            Flow("Event_Bescheinigung_erhalten", "End_Gewerbe_darf_beginnen"),
        ],
        rows=2,
        doc="Gewerbetreibende Person oder vertretungsberechtigte Person einer Gesellschaft.")
    city = Pool(
        "Participant_Stadt_Trier", "Stadt Trier", "Process_Gewerbeanmeldung",
        "Gewerbeanmeldung",
        doc="Bearbeitung einer Gewerbeanmeldung nach § 14 GewO durch das Ordnungsamt der Stadt "
            "Trier: Prüfung der Anzeige, bei erlaubnispflichtigen Gewerben Prüfung der "
            "Zuverlässigkeit, Erfassung im Gewerberegister, Empfangsbescheinigung und "
            "Datenübermittlung an die empfangsberechtigten Stellen.",
        lanes=[
            Lane(S, "Ordnungsamt – Sachgebietsleitung"),
            Lane(G, "Ordnungsamt – Gewerbeangelegenheiten", rows=3,
                 doc="Sachbearbeitung Gewerbeangelegenheiten"),
            Lane(K, "Stadtkasse"),
        ],
        nodes=[
            start("Start_Anzeige_eingegangen", "Gewerbeanzeige eingegangen", G, 0,
                  message="Message_Gewerbeanzeige"),
            task("Task_Anzeige_pruefen", "Gewerbeanzeige auf Vollständigkeit prüfen", G, 1,
                 doc="Pflichtangaben nach Anlage 1 GewAnzV, Identität, Vertretungsbefugnis "
                     "und Handelsregisterauszug prüfen."),
            gateway("Gateway_Vollstaendig", "Angaben vollständig?", G, 2,
                    default="Task_Nachforderung"),
            task("Task_Nachforderung", "Fehlende Angaben nachfordern", G, 4, row=1,
                 kind="sendTask", message="Message_Nachforderung"),
            task("Task_Nachreichung_abwarten", "Nachreichung abwarten", G, 5, row=1,
                 kind="receiveTask", message="Message_Nachreichung"),
            boundary("Boundary_Frist_Nachreichung", "14 Tage ohne Nachreichung",
                     "Task_Nachreichung_abwarten", timer=("timeDuration", "P14D")),
            task("Task_Verfahren_einstellen", "Verfahren einstellen und Vorgang ablegen", G, 6,
                 row=2),
            end("End_Verfahren_eingestellt", "Verfahren eingestellt", G, 7, row=2),
            gateway("Gateway_Erlaubnispflicht", "Erlaubnispflichtiges Gewerbe?", G, 3,
                    default="Gateway_Pruefung_Ende"),
            task("Task_Zuverlaessigkeit_pruefen", "Erlaubnis und Zuverlässigkeit prüfen", S, 3,
                 doc="Erlaubnis nach §§ 30–34i GewO liegt vor; Auskunft aus dem "
                     "Gewerbezentralregister und Führungszeugnis anfordern."),
            gateway("Gateway_Pruefung_Ende", "", G, 6),
            task("Task_Gewerbe_erfassen", "Gewerbeanzeige in GewAn erfassen", G, 7,
                 kind="serviceTask",
                 doc="IT-System: Fachverfahren GewAn (Gewerberegister der Stadt Trier)."),
            task("Task_Gebuehr_buchen", "Gebühr über ePayBL vereinnahmen", K, 8,
                 kind="serviceTask",
                 doc="IT-System: ePayBL; Buchung im SAP-Finanzwesen. Gebühr 26 € nach dem "
                     "Gebührenverzeichnis der Landesverordnung über Gebühren der "
                     "Gewerbeverwaltung."),
            task("Task_Bescheinigung_senden", "Empfangsbescheinigung versenden", G, 9,
                 kind="sendTask", message="Message_Empfangsbescheinigung",
                 doc="Empfangsbescheinigung nach § 15 Abs. 1 GewO, elektronisch in das "
                     "Postfach des Nutzerkontos."),
            task("Task_Daten_uebermitteln", "Daten an empfangsberechtigte Stellen übermitteln",
                 G, 10, kind="serviceTask",
                 doc="IT-System: Fachverfahren GewAn, Übermittlung im Standard XGewerbeanzeige "
                     "an Finanzamt, IHK/HWK, Berufsgenossenschaft und Statistisches Landesamt "
                     "(§ 14 Abs. 8 GewO)."),
            end("End_Gewerbe_angemeldet", "Gewerbeanmeldung abgeschlossen", G, 11),
        ],
        flows=[
            Flow("Start_Anzeige_eingegangen", "Task_Anzeige_pruefen"),
            Flow("Task_Anzeige_pruefen", "Gateway_Vollstaendig"),
            Flow("Gateway_Vollstaendig", "Gateway_Erlaubnispflicht", "ja",
                 "angabenVollstaendig = true"),
            Flow("Gateway_Vollstaendig", "Task_Nachforderung", "nein"),
            Flow("Task_Nachforderung", "Task_Nachreichung_abwarten"),
            Flow("Task_Nachreichung_abwarten", "Task_Anzeige_pruefen"),
            Flow("Boundary_Frist_Nachreichung", "Task_Verfahren_einstellen"),
            Flow("Task_Verfahren_einstellen", "End_Verfahren_eingestellt"),
            Flow("Gateway_Erlaubnispflicht", "Task_Zuverlaessigkeit_pruefen", "ja",
                 "erlaubnispflichtig = true"),
            Flow("Gateway_Erlaubnispflicht", "Gateway_Pruefung_Ende", "nein"),
            Flow("Task_Zuverlaessigkeit_pruefen", "Gateway_Pruefung_Ende"),
            Flow("Gateway_Pruefung_Ende", "Task_Gewerbe_erfassen"),
            Flow("Task_Gewerbe_erfassen", "Task_Gebuehr_buchen"),
            Flow("Task_Gebuehr_buchen", "Task_Bescheinigung_senden"),
            Flow("Task_Bescheinigung_senden", "Task_Daten_uebermitteln"),
            Flow("Task_Daten_uebermitteln", "End_Gewerbe_angemeldet"),
        ])
    return Model(
        "gewerbeanmeldung", "Gewerbeanmeldung", [applicant, city],
        message_flows=[
            MessageFlow("MessageFlow_Gewerbeanzeige", "Task_Anzeige_stellen",
                        "Start_Anzeige_eingegangen", "Gewerbeanzeige", "Message_Gewerbeanzeige"),
            MessageFlow("MessageFlow_Nachforderung", "Task_Nachforderung",
                        "Event_Nachforderung_erhalten", "Nachforderung", "Message_Nachforderung"),
            MessageFlow("MessageFlow_Nachreichung", "Task_Angaben_nachreichen",
                        "Task_Nachreichung_abwarten", "Nachreichung", "Message_Nachreichung"),
            MessageFlow("MessageFlow_Empfangsbescheinigung", "Task_Bescheinigung_senden",
                        "Event_Bescheinigung_erhalten", "Empfangsbescheinigung",
                        "Message_Empfangsbescheinigung"),
        ],
        messages=[
            ("Message_Gewerbeanzeige", "Gewerbeanzeige (GewA 1)"),
            ("Message_Nachforderung", "Nachforderung fehlender Angaben"),
            ("Message_Nachreichung", "Nachgereichte Angaben"),
            ("Message_Empfangsbescheinigung", "Empfangsbescheinigung nach § 15 Abs. 1 GewO"),
        ],
        manifest=manifest(
            "gewerbeanmeldung", "Gewerbeanmeldung", ["99050012104000"],
            "Anmeldung eines stehenden Gewerbes beim Ordnungsamt der Stadt Trier: Online-Antrag, "
            "Vollständigkeitsprüfung mit Nachforderung, Prüfung erlaubnispflichtiger Gewerbe, "
            "Erfassung im Gewerberegister, Gebühr, Empfangsbescheinigung und Datenübermittlung.",
            ["Gewerbe", "Gewerbeanzeige", "Gewerbeanmeldung", "GewA 1", "Unternehmensgründung"],
            ["§ 14 GewO", "§ 15 GewO", "GewAnzV"],
            "Ordnungsamt – Gewerbeangelegenheiten", status=5),
        target_namespace=_namespace("gewerbeanmeldung"))


def gewerbeanmeldung_v2():
    """Version 1.1.0: upstream improvements used by the update/merge demo."""
    model = copy_model(gewerbeanmeldung())
    model.manifest["version"] = "1.1.0"
    city = model.pools[1]
    nodes = {n.id: n for n in city.nodes}
    # 1. a task renamed
    nodes["Task_Anzeige_pruefen"].name = "Gewerbeanzeige auf Vollständigkeit und Plausibilität prüfen"
    # 2. a task added before the end (the end event moves one column to the right)
    nodes["End_Gewerbe_angemeldet"].col = 12
    archive = task("Task_Vorgang_archivieren", "Vorgang in der E-Akte ablegen", "Lane_Gewerbe", 11,
                   kind="serviceTask",
                   doc="IT-System: enaio DMS (E-Akte der Stadt Trier); Aktenplan 32.10.")
    city.nodes.insert(city.nodes.index(nodes["End_Gewerbe_angemeldet"]), archive)
    city.flows = [f for f in city.flows
                  if not (f.source == "Task_Daten_uebermitteln" and f.target == "End_Gewerbe_angemeldet")]
    city.flows += [Flow("Task_Daten_uebermitteln", "Task_Vorgang_archivieren"),
                   Flow("Task_Vorgang_archivieren", "End_Gewerbe_angemeldet")]
    # 3. a condition changed: überwachungsbedürftige Gewerbe (§ 38 GewO) are checked as well
    for flow in city.flows:
        if flow.source == "Gateway_Erlaubnispflicht" and flow.target == "Task_Zuverlaessigkeit_pruefen":
            flow.cond = "erlaubnispflichtig = true or ueberwachungsbeduerftig = true"
    return model


# --- registry --------------------------------------------------------------------------------

def trier_models():
    return [gewerbeanmeldung()]


def trier_v2_models():
    return [gewerbeanmeldung_v2()]
