"""The example processes of "Stadt Trier" (AGS 07211000) as compact descriptions.

Each function returns one `spec.Model`: a pool for the applicant and a pool for the city with
lanes named after offices, nodes on a grid, flows, message flows and the package manifest.
The organisation, IT systems and fees are realistic but invented for the examples.
"""

from procex.exchange.examples.spec import (
    Flow,
    Lane,
    MessageFlow,
    Model,
    Pool,
    boundary,
    catch,
    copy_model,
    end,
    gateway,
    start,
    task,
)

AGS = "07211000"
MAILBOX = "prozesse@trier.example"


def manifest(
    slug, name, keys, description, keywords, legal_basis, office, status=4, detaillierungsstufe=103, version="1.0.0"
):
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
    return Pool("Participant_Antragsteller", name, process_id, name, nodes=nodes, flows=flows, rows=rows, doc=doc)


# Lanes of the Trier models, passed to the node helpers; the applicant's pool has no lanes.
APPLICANT = None
LANE_BAUAUFSICHT = "Lane_Bauaufsicht"
LANE_GEWERBE = "Lane_Gewerbe"
LANE_KASSE = "Lane_Kasse"
LANE_MELDEWESEN = "Lane_Meldewesen"
LANE_SACHGEBIETSLEITUNG = "Lane_Sachgebietsleitung"
LANE_STADTPLANUNG = "Lane_Stadtplanung"
LANE_STEUERAMT = "Lane_Steueramt"
LANE_TERMINVERGABE = "Lane_Terminvergabe"
LANE_TIEFBAU = "Lane_Tiefbau"
LANE_VERKEHR = "Lane_Verkehr"


# --- Gewerbeanmeldung -----------------------------------------------------------------------


def gewerbeanmeldung():
    applicant = _applicant(
        "Antragsteller/in",
        "Process_Antragsteller",
        nodes=[
            start("Start_Gewerbe_aufnehmen", "Gewerbe soll aufgenommen werden", APPLICANT, 0),
            task(
                "Task_Anzeige_stellen",
                "Gewerbeanzeige im Serviceportal stellen",
                APPLICANT,
                1,
                kind="sendTask",
                message="Message_Gewerbeanzeige",
                doc="Online-Formular GewA 1 im Serviceportal der Stadt Trier; Anmeldung mit "
                "BundID oder ELSTER-Unternehmenskonto, Gebühr wird online bezahlt.",
            ),
            gateway("Gateway_Warten", "", APPLICANT, 3),
            gateway("Gateway_Antwort", "", APPLICANT, 4, kind="eventBasedGateway"),
            catch(
                "Event_Nachforderung_erhalten",
                "Nachforderung erhalten",
                APPLICANT,
                5,
                row=1,
                message="Message_Nachforderung",
            ),
            task(
                "Task_Angaben_nachreichen",
                "Fehlende Angaben nachreichen",
                APPLICANT,
                6,
                row=1,
                kind="sendTask",
                message="Message_Nachreichung",
            ),
            catch(
                "Event_Bescheinigung_erhalten",
                "Empfangsbescheinigung erhalten",
                APPLICANT,
                10,
                message="Message_Empfangsbescheinigung",
            ),
            end("End_Gewerbe_darf_beginnen", "Gewerbe angemeldet", APPLICANT, 12),
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
        doc="Gewerbetreibende Person oder vertretungsberechtigte Person einer Gesellschaft.",
    )
    city = Pool(
        "Participant_Stadtverwaltung",
        "Stadt Trier",
        "Process_Gewerbeanmeldung",
        "Gewerbeanmeldung",
        doc="Bearbeitung einer Gewerbeanmeldung nach § 14 GewO durch das Ordnungsamt der Stadt "
        "Trier: Prüfung der Anzeige, bei erlaubnispflichtigen Gewerben Prüfung der "
        "Zuverlässigkeit, Erfassung im Gewerberegister, Empfangsbescheinigung und "
        "Datenübermittlung an die empfangsberechtigten Stellen.",
        lanes=[
            Lane(LANE_SACHGEBIETSLEITUNG, "Ordnungsamt – Sachgebietsleitung"),
            Lane(
                LANE_GEWERBE,
                "Ordnungsamt – Gewerbeangelegenheiten",
                rows=3,
                doc="Sachbearbeitung Gewerbeangelegenheiten",
            ),
            Lane(LANE_KASSE, "Stadtkasse"),
        ],
        nodes=[
            start(
                "Start_Anzeige_eingegangen",
                "Gewerbeanzeige eingegangen",
                LANE_GEWERBE,
                0,
                message="Message_Gewerbeanzeige",
            ),
            gateway("Gateway_Anzeige_Zusammenfuehrung", "", LANE_GEWERBE, 1),
            task(
                "Task_Anzeige_pruefen",
                "Gewerbeanzeige auf Vollständigkeit prüfen",
                LANE_GEWERBE,
                2,
                doc="Pflichtangaben nach Anlage 1 GewAnzV, Identität, Vertretungsbefugnis "
                "und Handelsregisterauszug prüfen.",
            ),
            gateway("Gateway_Vollstaendig", "Angaben vollständig?", LANE_GEWERBE, 3, default="Task_Nachforderung"),
            task(
                "Task_Nachforderung",
                "Fehlende Angaben nachfordern",
                LANE_GEWERBE,
                5,
                row=1,
                kind="sendTask",
                message="Message_Nachforderung",
            ),
            task(
                "Task_Nachreichung_abwarten",
                "Nachreichung abwarten",
                LANE_GEWERBE,
                6,
                row=1,
                kind="receiveTask",
                message="Message_Nachreichung",
            ),
            boundary(
                "Boundary_Frist_Nachreichung",
                "14 Tage ohne Nachreichung",
                "Task_Nachreichung_abwarten",
                timer=("timeDuration", "P14D"),
            ),
            task("Task_Verfahren_einstellen", "Verfahren einstellen und Vorgang ablegen", LANE_GEWERBE, 7, row=2),
            end("End_Verfahren_eingestellt", "Verfahren eingestellt", LANE_GEWERBE, 8, row=2),
            gateway(
                "Gateway_Erlaubnispflicht",
                "Erlaubnispflichtiges Gewerbe?",
                LANE_GEWERBE,
                4,
                default="Gateway_Pruefung_Ende",
            ),
            task(
                "Task_Zuverlaessigkeit_pruefen",
                "Erlaubnis und Zuverlässigkeit prüfen",
                LANE_SACHGEBIETSLEITUNG,
                4,
                doc="Erlaubnis nach §§ 30–34i GewO liegt vor; Auskunft aus dem "
                "Gewerbezentralregister und Führungszeugnis anfordern.",
            ),
            gateway("Gateway_Pruefung_Ende", "", LANE_GEWERBE, 7),
            task(
                "Task_Gewerbe_erfassen",
                "Gewerbeanzeige in GewAn erfassen",
                LANE_GEWERBE,
                8,
                kind="serviceTask",
                doc="IT-System: Fachverfahren GewAn (Gewerberegister der Stadt Trier).",
            ),
            task(
                "Task_Gebuehr_buchen",
                "Gebühr über ePayBL vereinnahmen",
                LANE_KASSE,
                9,
                kind="serviceTask",
                doc="IT-System: ePayBL; Buchung im SAP-Finanzwesen. Gebühr 26 € nach dem "
                "Gebührenverzeichnis der Landesverordnung über Gebühren der "
                "Gewerbeverwaltung.",
            ),
            task(
                "Task_Bescheinigung_senden",
                "Empfangsbescheinigung versenden",
                LANE_GEWERBE,
                10,
                kind="sendTask",
                message="Message_Empfangsbescheinigung",
                doc="Empfangsbescheinigung nach § 15 Abs. 1 GewO, elektronisch in das Postfach des Nutzerkontos.",
            ),
            task(
                "Task_Daten_uebermitteln",
                "Daten an empfangsberechtigte Stellen übermitteln",
                LANE_GEWERBE,
                11,
                kind="serviceTask",
                doc="IT-System: Fachverfahren GewAn, Übermittlung im Standard XGewerbeanzeige "
                "an Finanzamt, IHK/HWK, Berufsgenossenschaft und Statistisches Landesamt "
                "(§ 14 Abs. 8 GewO).",
            ),
            end("End_Gewerbe_angemeldet", "Gewerbeanmeldung abgeschlossen", LANE_GEWERBE, 12),
        ],
        flows=[
            Flow("Start_Anzeige_eingegangen", "Gateway_Anzeige_Zusammenfuehrung"),
            Flow("Gateway_Anzeige_Zusammenfuehrung", "Task_Anzeige_pruefen"),
            Flow("Task_Anzeige_pruefen", "Gateway_Vollstaendig"),
            Flow("Gateway_Vollstaendig", "Gateway_Erlaubnispflicht", "ja", "angabenVollstaendig = true"),
            Flow("Gateway_Vollstaendig", "Task_Nachforderung", "nein"),
            Flow("Task_Nachforderung", "Task_Nachreichung_abwarten"),
            Flow("Task_Nachreichung_abwarten", "Gateway_Anzeige_Zusammenfuehrung"),
            Flow("Boundary_Frist_Nachreichung", "Task_Verfahren_einstellen"),
            Flow("Task_Verfahren_einstellen", "End_Verfahren_eingestellt"),
            Flow("Gateway_Erlaubnispflicht", "Task_Zuverlaessigkeit_pruefen", "ja", "erlaubnispflichtig = true"),
            Flow("Gateway_Erlaubnispflicht", "Gateway_Pruefung_Ende", "nein"),
            Flow("Task_Zuverlaessigkeit_pruefen", "Gateway_Pruefung_Ende"),
            Flow("Gateway_Pruefung_Ende", "Task_Gewerbe_erfassen"),
            Flow("Task_Gewerbe_erfassen", "Task_Gebuehr_buchen"),
            Flow("Task_Gebuehr_buchen", "Task_Bescheinigung_senden"),
            Flow("Task_Bescheinigung_senden", "Task_Daten_uebermitteln"),
            Flow("Task_Daten_uebermitteln", "End_Gewerbe_angemeldet"),
        ],
    )
    return Model(
        "gewerbeanmeldung",
        "Gewerbeanmeldung",
        [applicant, city],
        message_flows=[
            MessageFlow(
                "MessageFlow_Gewerbeanzeige",
                "Task_Anzeige_stellen",
                "Start_Anzeige_eingegangen",
                "Gewerbeanzeige",
                "Message_Gewerbeanzeige",
            ),
            MessageFlow(
                "MessageFlow_Nachforderung",
                "Task_Nachforderung",
                "Event_Nachforderung_erhalten",
                "Nachforderung",
                "Message_Nachforderung",
            ),
            MessageFlow(
                "MessageFlow_Nachreichung",
                "Task_Angaben_nachreichen",
                "Task_Nachreichung_abwarten",
                "Nachreichung",
                "Message_Nachreichung",
            ),
            MessageFlow(
                "MessageFlow_Empfangsbescheinigung",
                "Task_Bescheinigung_senden",
                "Event_Bescheinigung_erhalten",
                "Empfangsbescheinigung",
                "Message_Empfangsbescheinigung",
            ),
        ],
        messages=[
            ("Message_Gewerbeanzeige", "Gewerbeanzeige (GewA 1)"),
            ("Message_Nachforderung", "Nachforderung fehlender Angaben"),
            ("Message_Nachreichung", "Nachgereichte Angaben"),
            ("Message_Empfangsbescheinigung", "Empfangsbescheinigung nach § 15 Abs. 1 GewO"),
        ],
        manifest=manifest(
            "gewerbeanmeldung",
            "Gewerbeanmeldung",
            ["99050012104000"],
            "Anmeldung eines stehenden Gewerbes beim Ordnungsamt der Stadt Trier: Online-Antrag, "
            "Vollständigkeitsprüfung mit Nachforderung, Prüfung erlaubnispflichtiger Gewerbe, "
            "Erfassung im Gewerberegister, Gebühr, Empfangsbescheinigung und Datenübermittlung.",
            ["Gewerbe", "Gewerbeanzeige", "Gewerbeanmeldung", "GewA 1", "Unternehmensgründung"],
            ["§ 14 GewO", "§ 15 GewO", "GewAnzV"],
            "Ordnungsamt – Gewerbeangelegenheiten",
            status=5,
        ),
        target_namespace=_namespace("gewerbeanmeldung"),
    )


def gewerbeanmeldung_v2():
    """Version 1.1.0: upstream improvements used by the update/merge demo."""
    model = copy_model(gewerbeanmeldung())
    model.manifest["version"] = "1.1.0"
    city = model.pools[1]
    nodes = {n.id: n for n in city.nodes}
    # 1. a task renamed
    nodes["Task_Anzeige_pruefen"].name = "Gewerbeanzeige auf Vollständigkeit und Plausibilität prüfen"
    # 2. a task added before the end (the end event moves one column to the right)
    end_event = nodes["End_Gewerbe_angemeldet"]
    archive = task(
        "Task_Vorgang_archivieren",
        "Vorgang in der E-Akte ablegen",
        "Lane_Gewerbe",
        end_event.col,
        kind="serviceTask",
        doc="IT-System: enaio DMS (E-Akte der Stadt Trier); Aktenplan 32.10.",
    )
    end_event.col += 1
    city.nodes.insert(city.nodes.index(end_event), archive)
    city.flows = [
        f for f in city.flows if not (f.source == "Task_Daten_uebermitteln" and f.target == "End_Gewerbe_angemeldet")
    ]
    city.flows += [
        Flow("Task_Daten_uebermitteln", "Task_Vorgang_archivieren"),
        Flow("Task_Vorgang_archivieren", "End_Gewerbe_angemeldet"),
    ]
    # 3. a condition changed: überwachungsbedürftige Gewerbe (§ 38 GewO) are checked as well
    for flow in city.flows:
        if flow.source == "Gateway_Erlaubnispflicht" and flow.target == "Task_Zuverlaessigkeit_pruefen":
            flow.cond = "erlaubnispflichtig = true or ueberwachungsbeduerftig = true"
    return model


# --- Gewerbeabmeldung -----------------------------------------------------------------------


def gewerbeabmeldung():
    applicant = _applicant(
        "Antragsteller/in",
        "Process_Antragsteller",
        nodes=[
            start("Start_Gewerbe_aufgeben", "Gewerbe wird aufgegeben", APPLICANT, 0),
            task(
                "Task_Abmeldung_einreichen",
                "Gewerbeabmeldung im Serviceportal einreichen",
                APPLICANT,
                1,
                kind="sendTask",
                message="Message_Abmeldung",
                doc="Formular GewA 3, spätestens mit der Aufgabe des Betriebs.",
            ),
            catch(
                "Event_Bestaetigung_erhalten",
                "Abmeldebestätigung erhalten",
                APPLICANT,
                7,
                message="Message_Abmeldebestaetigung",
            ),
            end("End_Gewerbe_abgemeldet", "Gewerbe abgemeldet", APPLICANT, 8),
        ],
        flows=[
            Flow("Start_Gewerbe_aufgeben", "Task_Abmeldung_einreichen"),
            Flow("Task_Abmeldung_einreichen", "Event_Bestaetigung_erhalten"),
            Flow("Event_Bestaetigung_erhalten", "End_Gewerbe_abgemeldet"),
        ],
    )
    city = Pool(
        "Participant_Stadtverwaltung",
        "Stadt Trier",
        "Process_Gewerbeabmeldung",
        "Gewerbeabmeldung",
        doc="Bearbeitung einer Gewerbeabmeldung nach § 14 GewO durch das Ordnungsamt der Stadt "
        "Trier bis zur Löschung des Vorgangs nach Ablauf der Aufbewahrungsfrist.",
        lanes=[Lane(LANE_GEWERBE, "Ordnungsamt – Gewerbeangelegenheiten", rows=2), Lane(LANE_KASSE, "Stadtkasse")],
        nodes=[
            start(
                "Start_Abmeldung_eingegangen",
                "Gewerbeabmeldung eingegangen",
                LANE_GEWERBE,
                1,
                message="Message_Abmeldung",
            ),
            task(
                "Task_Abmeldung_pruefen",
                "Abmeldung prüfen und Betrieb zuordnen",
                LANE_GEWERBE,
                2,
                doc="Abgleich mit dem Gewerberegister: Betriebsstätte, Inhaber/in, Datum der Aufgabe.",
            ),
            gateway(
                "Gateway_Gewerbe_gefunden",
                "Gewerbe im Register vorhanden?",
                LANE_GEWERBE,
                3,
                default="Task_Hinweis_senden",
            ),
            task(
                "Task_Hinweis_senden",
                "Hinweis an Antragsteller/in senden",
                LANE_GEWERBE,
                4,
                row=1,
                kind="sendTask",
                message="Message_Hinweis",
            ),
            end("End_Nicht_abgemeldet", "Keine Abmeldung möglich", LANE_GEWERBE, 5, row=1),
            task(
                "Task_Abmeldung_erfassen",
                "Abmeldung in GewAn erfassen",
                LANE_GEWERBE,
                5,
                kind="serviceTask",
                doc="IT-System: Fachverfahren GewAn (Gewerberegister der Stadt Trier).",
            ),
            task(
                "Task_Gebuehr_buchen",
                "Gebühr über ePayBL vereinnahmen",
                LANE_KASSE,
                6,
                kind="serviceTask",
                doc="IT-System: ePayBL; Buchung im SAP-Finanzwesen.",
            ),
            task(
                "Task_Bestaetigung_senden",
                "Abmeldebestätigung versenden",
                LANE_GEWERBE,
                7,
                kind="sendTask",
                message="Message_Abmeldebestaetigung",
            ),
            task(
                "Task_Daten_uebermitteln",
                "Daten an empfangsberechtigte Stellen übermitteln",
                LANE_GEWERBE,
                8,
                kind="serviceTask",
                doc="IT-System: Fachverfahren GewAn, XGewerbeanzeige an Finanzamt, IHK/HWK "
                "und Statistisches Landesamt (§ 14 Abs. 8 GewO).",
            ),
            catch(
                "Event_Aufbewahrungsfrist",
                "Aufbewahrungsfrist abgelaufen",
                LANE_GEWERBE,
                9,
                timer=("timeDuration", "P5Y"),
            ),
            task(
                "Task_Vorgang_loeschen",
                "Vorgang löschen",
                LANE_GEWERBE,
                10,
                kind="serviceTask",
                doc="IT-System: Fachverfahren GewAn, Löschlauf nach Ablauf der Frist.",
            ),
            end("End_Abmeldung_abgeschlossen", "Gewerbeabmeldung abgeschlossen", LANE_GEWERBE, 11),
        ],
        flows=[
            Flow("Start_Abmeldung_eingegangen", "Task_Abmeldung_pruefen"),
            Flow("Task_Abmeldung_pruefen", "Gateway_Gewerbe_gefunden"),
            Flow("Gateway_Gewerbe_gefunden", "Task_Abmeldung_erfassen", "ja", "gewerbeGefunden = true"),
            Flow("Gateway_Gewerbe_gefunden", "Task_Hinweis_senden", "nein"),
            Flow("Task_Hinweis_senden", "End_Nicht_abgemeldet"),
            Flow("Task_Abmeldung_erfassen", "Task_Gebuehr_buchen"),
            Flow("Task_Gebuehr_buchen", "Task_Bestaetigung_senden"),
            Flow("Task_Bestaetigung_senden", "Task_Daten_uebermitteln"),
            Flow("Task_Daten_uebermitteln", "Event_Aufbewahrungsfrist"),
            Flow("Event_Aufbewahrungsfrist", "Task_Vorgang_loeschen"),
            Flow("Task_Vorgang_loeschen", "End_Abmeldung_abgeschlossen"),
        ],
    )
    return Model(
        "gewerbeabmeldung",
        "Gewerbeabmeldung",
        [applicant, city],
        message_flows=[
            MessageFlow(
                "MessageFlow_Abmeldung",
                "Task_Abmeldung_einreichen",
                "Start_Abmeldung_eingegangen",
                "Gewerbeabmeldung",
                "Message_Abmeldung",
            ),
            MessageFlow(
                "MessageFlow_Hinweis", "Task_Hinweis_senden", "Participant_Antragsteller", "Hinweis", "Message_Hinweis"
            ),
            MessageFlow(
                "MessageFlow_Abmeldebestaetigung",
                "Task_Bestaetigung_senden",
                "Event_Bestaetigung_erhalten",
                "Abmeldebestätigung",
                "Message_Abmeldebestaetigung",
            ),
        ],
        messages=[
            ("Message_Abmeldung", "Gewerbeabmeldung (GewA 3)"),
            ("Message_Hinweis", "Hinweis: kein Gewerbe registriert"),
            ("Message_Abmeldebestaetigung", "Bestätigung der Gewerbeabmeldung"),
        ],
        manifest=manifest(
            "gewerbeabmeldung",
            "Gewerbeabmeldung",
            ["99050012070000"],
            "Abmeldung eines Gewerbes beim Ordnungsamt der Stadt Trier: Prüfung gegen das "
            "Gewerberegister, Erfassung, Gebühr, Bestätigung, Datenübermittlung und Löschung "
            "nach Ablauf der Aufbewahrungsfrist.",
            ["Gewerbe", "Gewerbeabmeldung", "GewA 3", "Betriebsaufgabe"],
            ["§ 14 GewO", "GewAnzV"],
            "Ordnungsamt – Gewerbeangelegenheiten",
        ),
        target_namespace=_namespace("gewerbeabmeldung"),
    )


# --- Hundesteuer Anmeldung ------------------------------------------------------------------


def hundesteuer_anmeldung():
    applicant = _applicant(
        "Hundehalter/in",
        "Process_Hundehalter",
        nodes=[
            start("Start_Hund_aufgenommen", "Hund aufgenommen", APPLICANT, 0),
            task(
                "Task_Hund_anmelden",
                "Hund online zur Hundesteuer anmelden",
                APPLICANT,
                1,
                kind="sendTask",
                message="Message_Hundeanmeldung",
                doc="Innerhalb von zwei Wochen nach Aufnahme des Hundes; Nachweise für eine Ermäßigung als Anlage.",
            ),
            catch(
                "Event_Bescheid_erhalten",
                "Steuerbescheid und Steuermarke erhalten",
                APPLICANT,
                8,
                message="Message_Steuerbescheid",
            ),
            end("End_Hund_angemeldet", "Hund angemeldet", APPLICANT, 9),
        ],
        flows=[
            Flow("Start_Hund_aufgenommen", "Task_Hund_anmelden"),
            Flow("Task_Hund_anmelden", "Event_Bescheid_erhalten"),
            Flow("Event_Bescheid_erhalten", "End_Hund_angemeldet"),
        ],
    )
    city = Pool(
        "Participant_Stadtverwaltung",
        "Stadt Trier",
        "Process_Hundesteuer_Anmeldung",
        "Hundesteuer Anmeldung",
        doc="Anmeldung eines Hundes zur Hundesteuer beim Steueramt der Stadt Trier: Prüfung "
        "der Anmeldung und beantragter Ermäßigungen, Festsetzung, Steuermarke, Bescheid "
        "und Überwachung der Zahlung durch die Stadtkasse.",
        lanes=[Lane(LANE_STEUERAMT, "Steueramt – Hundesteuer", rows=2), Lane(LANE_KASSE, "Stadtkasse", rows=2)],
        nodes=[
            start(
                "Start_Anmeldung_eingegangen",
                "Anmeldung eingegangen",
                LANE_STEUERAMT,
                1,
                message="Message_Hundeanmeldung",
            ),
            task(
                "Task_Anmeldung_pruefen",
                "Anmeldung prüfen und Halter/in zuordnen",
                LANE_STEUERAMT,
                2,
                doc="Abgleich mit dem Melderegister (Einwohnerverfahren OK.EWO); Prüfung, ob "
                "der Hund bereits in einer anderen Gemeinde angemeldet war.",
            ),
            gateway(
                "Gateway_Ermaessigung", "Ermäßigung beantragt?", LANE_STEUERAMT, 3, default="Gateway_Ermaessigung_Ende"
            ),
            task(
                "Task_Nachweise_pruefen",
                "Nachweise für Ermäßigung prüfen",
                LANE_STEUERAMT,
                4,
                row=1,
                doc="z. B. Blindenführhund, Rettungshund, Bezug von Leistungen nach SGB II "
                "oder SGB XII (Hundesteuersatzung der Stadt Trier).",
            ),
            gateway("Gateway_Ermaessigung_Ende", "", LANE_STEUERAMT, 5),
            task(
                "Task_Steuer_festsetzen",
                "Hundesteuer festsetzen",
                LANE_STEUERAMT,
                6,
                kind="serviceTask",
                doc="IT-System: Fachverfahren Kommunalsteuern. Erhöhter Steuersatz für "
                "gefährliche Hunde nach dem Landesgesetz über gefährliche Hunde (LHundG).",
            ),
            task("Task_Steuermarke_zuteilen", "Hundesteuermarke zuteilen", LANE_STEUERAMT, 7, kind="manualTask"),
            task(
                "Task_Bescheid_versenden",
                "Steuerbescheid mit Steuermarke versenden",
                LANE_STEUERAMT,
                8,
                kind="sendTask",
                message="Message_Steuerbescheid",
            ),
            task(
                "Task_Sollstellung_buchen",
                "Sollstellung buchen",
                LANE_KASSE,
                9,
                kind="serviceTask",
                doc="IT-System: SAP-Finanzwesen; SEPA-Lastschrift, wenn ein Mandat erteilt ist.",
            ),
            catch(
                "Event_Faelligkeit",
                "Fälligkeitstermin erreicht",
                LANE_KASSE,
                10,
                timer=("timeCycle", "R/2025-02-15T00:00:00/P3M"),
                doc="Fällig jeweils zum 15.02., 15.05., 15.08. und 15.11.",
            ),
            gateway("Gateway_Zahlung", "Zahlung eingegangen?", LANE_KASSE, 11, default="Task_Mahnung"),
            end("End_Steuer_bezahlt", "Hundesteuer entrichtet", LANE_KASSE, 12),
            task(
                "Task_Mahnung",
                "Mahnverfahren einleiten",
                LANE_KASSE,
                12,
                row=1,
                kind="serviceTask",
                doc="IT-System: SAP-Finanzwesen, Mahnlauf nach dem Landesverwaltungsvollstreckungsgesetz (LVwVG).",
            ),
            end("End_Mahnverfahren", "Mahnverfahren eingeleitet", LANE_KASSE, 13, row=1),
        ],
        flows=[
            Flow("Start_Anmeldung_eingegangen", "Task_Anmeldung_pruefen"),
            Flow("Task_Anmeldung_pruefen", "Gateway_Ermaessigung"),
            Flow("Gateway_Ermaessigung", "Task_Nachweise_pruefen", "ja", "ermaessigungBeantragt = true"),
            Flow("Gateway_Ermaessigung", "Gateway_Ermaessigung_Ende", "nein"),
            Flow("Task_Nachweise_pruefen", "Gateway_Ermaessigung_Ende"),
            Flow("Gateway_Ermaessigung_Ende", "Task_Steuer_festsetzen"),
            Flow("Task_Steuer_festsetzen", "Task_Steuermarke_zuteilen"),
            Flow("Task_Steuermarke_zuteilen", "Task_Bescheid_versenden"),
            Flow("Task_Bescheid_versenden", "Task_Sollstellung_buchen"),
            Flow("Task_Sollstellung_buchen", "Event_Faelligkeit"),
            Flow("Event_Faelligkeit", "Gateway_Zahlung"),
            Flow("Gateway_Zahlung", "End_Steuer_bezahlt", "ja", "zahlungEingegangen = true"),
            Flow("Gateway_Zahlung", "Task_Mahnung", "nein"),
            Flow("Task_Mahnung", "End_Mahnverfahren"),
        ],
    )
    return Model(
        "hundesteuer-anmeldung",
        "Hundesteuer Anmeldung",
        [applicant, city],
        message_flows=[
            MessageFlow(
                "MessageFlow_Hundeanmeldung",
                "Task_Hund_anmelden",
                "Start_Anmeldung_eingegangen",
                "Anmeldung",
                "Message_Hundeanmeldung",
            ),
            MessageFlow(
                "MessageFlow_Steuerbescheid",
                "Task_Bescheid_versenden",
                "Event_Bescheid_erhalten",
                "Steuerbescheid",
                "Message_Steuerbescheid",
            ),
        ],
        messages=[
            ("Message_Hundeanmeldung", "Anmeldung zur Hundesteuer"),
            ("Message_Steuerbescheid", "Hundesteuerbescheid mit Steuermarke"),
        ],
        manifest=manifest(
            "hundesteuer-anmeldung",
            "Hundesteuer Anmeldung",
            ["99102013002000"],
            "Anmeldung eines Hundes zur Hundesteuer bei der Stadt Trier mit Prüfung beantragter "
            "Ermäßigungen, Festsetzung der Steuer, Ausgabe der Steuermarke und Überwachung der "
            "Zahlung durch die Stadtkasse.",
            ["Hund", "Hundesteuer", "Steuermarke", "Hundeanmeldung", "Kommunalsteuer"],
            ["§ 5 Abs. 3 KAG Rheinland-Pfalz", "Hundesteuersatzung der Stadt Trier", "LHundG"],
            "Steueramt – Hundesteuer",
        ),
        target_namespace=_namespace("hundesteuer-anmeldung"),
    )


# --- Anmeldung einer Wohnung -----------------------------------------------------------------


def wohnsitz_anmeldung():
    applicant = _applicant(
        "Meldepflichtige Person",
        "Process_Meldepflichtige_Person",
        nodes=[
            start(
                "Start_Wohnung_bezogen",
                "Neue Wohnung bezogen",
                APPLICANT,
                0,
                doc="Anmeldung innerhalb von zwei Wochen nach dem Einzug (§ 17 Abs. 1 BMG).",
            ),
            task(
                "Task_Termin_buchen",
                "Termin im Bürgeramt online buchen",
                APPLICANT,
                1,
                kind="sendTask",
                message="Message_Terminanfrage",
            ),
            catch(
                "Event_Terminbestaetigung",
                "Terminbestätigung erhalten",
                APPLICANT,
                2,
                message="Message_Terminbestaetigung",
            ),
            task(
                "Task_Vorsprechen",
                "Mit Ausweis und Wohnungsgeberbestätigung vorsprechen",
                APPLICANT,
                4,
                kind="sendTask",
                message="Message_Vorsprache",
            ),
            catch(
                "Event_Meldebestaetigung",
                "Meldebestätigung erhalten",
                APPLICANT,
                11,
                message="Message_Meldebestaetigung",
            ),
            end("End_Wohnsitz_angemeldet", "Wohnsitz angemeldet", APPLICANT, 12),
        ],
        flows=[
            Flow("Start_Wohnung_bezogen", "Task_Termin_buchen"),
            Flow("Task_Termin_buchen", "Event_Terminbestaetigung"),
            Flow("Event_Terminbestaetigung", "Task_Vorsprechen"),
            Flow("Task_Vorsprechen", "Event_Meldebestaetigung"),
            Flow("Event_Meldebestaetigung", "End_Wohnsitz_angemeldet"),
        ],
    )
    city = Pool(
        "Participant_Stadtverwaltung",
        "Stadt Trier",
        "Process_Wohnsitz_Anmeldung",
        "Anmeldung einer Wohnung",
        doc="Anmeldung einer Wohnung (Haupt- oder Nebenwohnung) im Bürgeramt der Stadt Trier "
        "mit persönlicher Vorsprache nach Terminvereinbarung, Erfassung im Melderegister, "
        "Meldebestätigung und Rückmeldung an die Wegzugsbehörde.",
        lanes=[
            Lane(LANE_TERMINVERGABE, "Bürgeramt – Terminvergabe", rows=2),
            Lane(LANE_MELDEWESEN, "Bürgeramt – Meldewesen", rows=2),
        ],
        nodes=[
            start(
                "Start_Terminanfrage",
                "Terminanfrage eingegangen",
                LANE_TERMINVERGABE,
                1,
                message="Message_Terminanfrage",
            ),
            task(
                "Task_Termin_vergeben",
                "Termin vergeben und bestätigen",
                LANE_TERMINVERGABE,
                2,
                kind="sendTask",
                message="Message_Terminbestaetigung",
                doc="IT-System: Terminvergabe TEVIS; Bestätigung per E-Mail mit Hinweis auf mitzubringende Unterlagen.",
            ),
            gateway("Gateway_Termin", "", LANE_TERMINVERGABE, 3, kind="eventBasedGateway"),
            catch("Event_Vorsprache", "Vorsprache zum Termin", LANE_TERMINVERGABE, 4, message="Message_Vorsprache"),
            catch(
                "Event_Termin_verstrichen",
                "15 Minuten nach Terminbeginn",
                LANE_TERMINVERGABE,
                4,
                row=1,
                timer=("timeDuration", "PT15M"),
            ),
            end("End_Termin_verfallen", "Termin verfallen", LANE_TERMINVERGABE, 5, row=1),
            task("Task_Identitaet_pruefen", "Identität anhand des Ausweises prüfen", LANE_MELDEWESEN, 6),
            gateway(
                "Gateway_Wohnungsgeber",
                "Wohnungsgeberbestätigung liegt vor?",
                LANE_MELDEWESEN,
                7,
                default="Task_Nachreichung_vermerken",
            ),
            task(
                "Task_Nachreichung_vermerken",
                "Nachreichung der Wohnungsgeberbestätigung vermerken",
                LANE_MELDEWESEN,
                8,
                row=1,
                doc="Frist zwei Wochen; bei Nichtvorlage Anhörung wegen Ordnungswidrigkeit nach § 54 BMG.",
            ),
            gateway("Gateway_Wohnungsgeber_Ende", "", LANE_MELDEWESEN, 9),
            task(
                "Task_Anmeldung_erfassen",
                "Anmeldung im Melderegister erfassen",
                LANE_MELDEWESEN,
                10,
                kind="serviceTask",
                doc="IT-System: Einwohnerverfahren OK.EWO; Prüfung Haupt-/Nebenwohnung nach § 22 BMG.",
            ),
            task(
                "Task_Meldebestaetigung",
                "Meldebestätigung aushändigen",
                LANE_MELDEWESEN,
                11,
                kind="sendTask",
                message="Message_Meldebestaetigung",
            ),
            task(
                "Task_Rueckmeldung",
                "Rückmeldung an Wegzugsbehörde übermitteln",
                LANE_MELDEWESEN,
                12,
                kind="serviceTask",
                doc="IT-System: Einwohnerverfahren OK.EWO, Datenübermittlung im Standard "
                "XMeld (§ 33 BMG, BMeldDÜV); Weitergabe an Bundeszentralamt für Steuern "
                "und Beitragsservice.",
            ),
            end("End_Anmeldung_abgeschlossen", "Anmeldung abgeschlossen", LANE_MELDEWESEN, 13),
        ],
        flows=[
            Flow("Start_Terminanfrage", "Task_Termin_vergeben"),
            Flow("Task_Termin_vergeben", "Gateway_Termin"),
            Flow("Gateway_Termin", "Event_Vorsprache"),
            Flow("Gateway_Termin", "Event_Termin_verstrichen"),
            Flow("Event_Termin_verstrichen", "End_Termin_verfallen"),
            Flow("Event_Vorsprache", "Task_Identitaet_pruefen"),
            Flow("Task_Identitaet_pruefen", "Gateway_Wohnungsgeber"),
            Flow(
                "Gateway_Wohnungsgeber", "Gateway_Wohnungsgeber_Ende", "ja", "wohnungsgeberbestaetigungVorhanden = true"
            ),
            Flow("Gateway_Wohnungsgeber", "Task_Nachreichung_vermerken", "nein"),
            Flow("Task_Nachreichung_vermerken", "Gateway_Wohnungsgeber_Ende"),
            Flow("Gateway_Wohnungsgeber_Ende", "Task_Anmeldung_erfassen"),
            Flow("Task_Anmeldung_erfassen", "Task_Meldebestaetigung"),
            Flow("Task_Meldebestaetigung", "Task_Rueckmeldung"),
            Flow("Task_Rueckmeldung", "End_Anmeldung_abgeschlossen"),
        ],
    )
    return Model(
        "wohnsitz-anmeldung",
        "Anmeldung einer Wohnung",
        [applicant, city],
        message_flows=[
            MessageFlow(
                "MessageFlow_Terminanfrage",
                "Task_Termin_buchen",
                "Start_Terminanfrage",
                "Terminanfrage",
                "Message_Terminanfrage",
            ),
            MessageFlow(
                "MessageFlow_Terminbestaetigung",
                "Task_Termin_vergeben",
                "Event_Terminbestaetigung",
                "Terminbestätigung",
                "Message_Terminbestaetigung",
            ),
            MessageFlow(
                "MessageFlow_Vorsprache", "Task_Vorsprechen", "Event_Vorsprache", "Vorsprache", "Message_Vorsprache"
            ),
            MessageFlow(
                "MessageFlow_Meldebestaetigung",
                "Task_Meldebestaetigung",
                "Event_Meldebestaetigung",
                "Meldebestätigung",
                "Message_Meldebestaetigung",
            ),
        ],
        messages=[
            ("Message_Terminanfrage", "Terminanfrage"),
            ("Message_Terminbestaetigung", "Terminbestätigung"),
            ("Message_Vorsprache", "Persönliche Vorsprache mit Unterlagen"),
            ("Message_Meldebestaetigung", "Meldebestätigung nach § 24 Abs. 2 BMG"),
        ],
        manifest=manifest(
            "wohnsitz-anmeldung",
            "Anmeldung einer Wohnung",
            ["99115005104000"],
            "Anmeldung einer Haupt- oder Nebenwohnung im Bürgeramt der Stadt Trier: "
            "Terminvergabe, Vorsprache mit Ausweis und Wohnungsgeberbestätigung, Erfassung im "
            "Melderegister, Meldebestätigung und Rückmeldung an die Wegzugsbehörde.",
            ["Anmeldung", "Wohnsitz", "Umzug", "Meldebescheinigung", "Bürgeramt"],
            ["§ 17 BMG", "§ 19 BMG", "§ 23 BMG", "§ 33 BMG", "BMeldDÜV"],
            "Bürgeramt – Meldewesen",
        ),
        target_namespace=_namespace("wohnsitz-anmeldung"),
    )


# --- Sondernutzungserlaubnis -----------------------------------------------------------------


def sondernutzungserlaubnis():
    applicant = _applicant(
        "Antragsteller/in",
        "Process_Antragsteller",
        nodes=[
            start("Start_Nutzung_geplant", "Nutzung öffentlicher Verkehrsfläche geplant", APPLICANT, 0),
            task(
                "Task_Antrag_stellen",
                "Antrag mit Lageplan stellen",
                APPLICANT,
                1,
                kind="sendTask",
                message="Message_Antrag",
                doc="Art, Ort und Dauer der Nutzung (z. B. Außengastronomie, Gerüst, "
                "Container) mit Lageplan, spätestens zwei Wochen vor Beginn.",
            ),
            catch("Event_Bescheid_erhalten", "Bescheid erhalten", APPLICANT, 14, message="Message_Bescheid"),
            end("End_Antrag_beschieden", "Antrag beschieden", APPLICANT, 15),
        ],
        flows=[
            Flow("Start_Nutzung_geplant", "Task_Antrag_stellen"),
            Flow("Task_Antrag_stellen", "Event_Bescheid_erhalten"),
            Flow("Event_Bescheid_erhalten", "End_Antrag_beschieden"),
        ],
    )
    city = Pool(
        "Participant_Stadtverwaltung",
        "Stadt Trier",
        "Process_Sondernutzungserlaubnis",
        "Sondernutzungserlaubnis",
        doc="Erteilung einer Sondernutzungserlaubnis für öffentliche Straßen, Wege und Plätze "
        "im Stadtgebiet Trier: Prüfung, Beteiligung der Straßenverkehrsbehörde und "
        "weiterer Stellen, Bescheid mit Auflagen und Gebühr nach der "
        "Sondernutzungssatzung.",
        lanes=[
            Lane(LANE_VERKEHR, "Straßenverkehrsbehörde"),
            Lane(LANE_TIEFBAU, "Tiefbauamt – Sondernutzungen", rows=3),
            Lane(LANE_KASSE, "Stadtkasse"),
        ],
        nodes=[
            start("Start_Antrag_eingegangen", "Antrag eingegangen", LANE_TIEFBAU, 1, message="Message_Antrag"),
            gateway("Gateway_Antrag_Zusammenfuehrung", "", LANE_TIEFBAU, 2),
            task("Task_Antrag_pruefen", "Antrag und Lageplan prüfen", LANE_TIEFBAU, 3),
            gateway(
                "Gateway_Vollstaendig",
                "Unterlagen vollständig?",
                LANE_TIEFBAU,
                4,
                default="Task_Unterlagen_nachfordern",
            ),
            task(
                "Task_Unterlagen_nachfordern",
                "Fehlende Unterlagen nachfordern",
                LANE_TIEFBAU,
                5,
                row=1,
                kind="sendTask",
                message="Message_Nachforderung",
            ),
            gateway("Gateway_Nachreichung", "", LANE_TIEFBAU, 6, row=1, kind="eventBasedGateway"),
            catch(
                "Event_Unterlagen_nachgereicht",
                "Unterlagen nachgereicht",
                LANE_TIEFBAU,
                7,
                row=1,
                message="Message_Nachreichung",
            ),
            catch(
                "Event_Frist_abgelaufen", "4 Wochen verstrichen", LANE_TIEFBAU, 7, row=2, timer=("timeDuration", "P4W")
            ),
            end("End_Antrag_zurueckgenommen", "Antrag gilt als zurückgenommen", LANE_TIEFBAU, 8, row=2),
            gateway("Gateway_Beteiligung", "", LANE_TIEFBAU, 8, kind="parallelGateway"),
            task("Task_Stellen_beteiligen", "Leitungsträger und Grünflächenamt beteiligen", LANE_TIEFBAU, 9),
            task(
                "Task_Verkehrsrecht_pruefen",
                "Verkehrsrechtliche Anordnung prüfen",
                LANE_VERKEHR,
                9,
                doc="Verkehrszeichenplan und Anordnung nach § 45 StVO; bei Arbeitsstellen Abstimmung mit der Polizei.",
            ),
            gateway("Gateway_Beteiligung_Ende", "", LANE_TIEFBAU, 10, kind="parallelGateway"),
            gateway("Gateway_Erteilbar", "Erlaubnis erteilbar?", LANE_TIEFBAU, 11, default="Task_Ablehnung"),
            task(
                "Task_Erlaubnis_erstellen",
                "Erlaubnisbescheid mit Auflagen erstellen",
                LANE_TIEFBAU,
                12,
                kind="serviceTask",
                doc="IT-System: Fachverfahren Sondernutzung (SNU); Auflagen zu "
                "Verkehrssicherung, Haftung und Wiederherstellung der Fläche.",
            ),
            task(
                "Task_Gebuehr_festsetzen",
                "Sondernutzungsgebühr festsetzen",
                LANE_KASSE,
                13,
                kind="serviceTask",
                doc="Gebühr nach der Sondernutzungssatzung der Stadt Trier; Sollstellung im SAP-Finanzwesen.",
            ),
            task(
                "Task_Bescheid_versenden",
                "Erlaubnisbescheid versenden",
                LANE_TIEFBAU,
                14,
                kind="sendTask",
                message="Message_Bescheid",
            ),
            end("End_Erlaubnis_erteilt", "Erlaubnis erteilt", LANE_TIEFBAU, 15),
            task(
                "Task_Ablehnung",
                "Ablehnungsbescheid versenden",
                LANE_TIEFBAU,
                13,
                row=1,
                kind="sendTask",
                message="Message_Bescheid",
            ),
            end("End_Abgelehnt", "Antrag abgelehnt", LANE_TIEFBAU, 14, row=1),
        ],
        flows=[
            Flow("Start_Antrag_eingegangen", "Gateway_Antrag_Zusammenfuehrung"),
            Flow("Gateway_Antrag_Zusammenfuehrung", "Task_Antrag_pruefen"),
            Flow("Task_Antrag_pruefen", "Gateway_Vollstaendig"),
            Flow("Gateway_Vollstaendig", "Gateway_Beteiligung", "ja", "unterlagenVollstaendig = true"),
            Flow("Gateway_Vollstaendig", "Task_Unterlagen_nachfordern", "nein"),
            Flow("Task_Unterlagen_nachfordern", "Gateway_Nachreichung"),
            Flow("Gateway_Nachreichung", "Event_Unterlagen_nachgereicht"),
            Flow("Gateway_Nachreichung", "Event_Frist_abgelaufen"),
            Flow("Event_Unterlagen_nachgereicht", "Gateway_Antrag_Zusammenfuehrung"),
            Flow("Event_Frist_abgelaufen", "End_Antrag_zurueckgenommen"),
            Flow("Gateway_Beteiligung", "Task_Stellen_beteiligen"),
            Flow("Gateway_Beteiligung", "Task_Verkehrsrecht_pruefen"),
            Flow("Task_Stellen_beteiligen", "Gateway_Beteiligung_Ende"),
            Flow("Task_Verkehrsrecht_pruefen", "Gateway_Beteiligung_Ende"),
            Flow("Gateway_Beteiligung_Ende", "Gateway_Erteilbar"),
            Flow("Gateway_Erteilbar", "Task_Erlaubnis_erstellen", "ja", "erteilbar = true"),
            Flow("Gateway_Erteilbar", "Task_Ablehnung", "nein"),
            Flow("Task_Erlaubnis_erstellen", "Task_Gebuehr_festsetzen"),
            Flow("Task_Gebuehr_festsetzen", "Task_Bescheid_versenden"),
            Flow("Task_Bescheid_versenden", "End_Erlaubnis_erteilt"),
            Flow("Task_Ablehnung", "End_Abgelehnt"),
        ],
    )
    return Model(
        "sondernutzungserlaubnis",
        "Sondernutzungserlaubnis",
        [applicant, city],
        message_flows=[
            MessageFlow(
                "MessageFlow_Antrag", "Task_Antrag_stellen", "Start_Antrag_eingegangen", "Antrag", "Message_Antrag"
            ),
            MessageFlow(
                "MessageFlow_Nachforderung",
                "Task_Unterlagen_nachfordern",
                "Participant_Antragsteller",
                "Nachforderung",
                "Message_Nachforderung",
            ),
            MessageFlow(
                "MessageFlow_Nachreichung",
                "Participant_Antragsteller",
                "Event_Unterlagen_nachgereicht",
                "Nachreichung",
                "Message_Nachreichung",
            ),
            MessageFlow(
                "MessageFlow_Erlaubnisbescheid",
                "Task_Bescheid_versenden",
                "Event_Bescheid_erhalten",
                "Erlaubnisbescheid",
                "Message_Bescheid",
            ),
            MessageFlow(
                "MessageFlow_Ablehnungsbescheid",
                "Task_Ablehnung",
                "Participant_Antragsteller",
                "Ablehnungsbescheid",
                "Message_Bescheid",
            ),
        ],
        messages=[
            ("Message_Antrag", "Antrag auf Sondernutzungserlaubnis"),
            ("Message_Nachforderung", "Nachforderung von Unterlagen"),
            ("Message_Nachreichung", "Nachgereichte Unterlagen"),
            ("Message_Bescheid", "Bescheid über die Sondernutzung"),
        ],
        manifest=manifest(
            "sondernutzungserlaubnis",
            "Sondernutzungserlaubnis",
            ["99108012005000"],
            "Erlaubnis für die Sondernutzung öffentlicher Straßen in Trier (z. B. "
            "Außengastronomie, Gerüste, Container): Prüfung, Nachforderung, Beteiligung der "
            "Straßenverkehrsbehörde und der Leitungsträger, Bescheid mit Auflagen und Gebühr.",
            ["Sondernutzung", "Straße", "Außengastronomie", "Gerüst", "Container", "Verkehrsfläche"],
            ["§ 41 LStrG Rheinland-Pfalz", "§ 8 FStrG", "§ 45 StVO", "Sondernutzungssatzung der Stadt Trier"],
            "Tiefbauamt – Sondernutzungen",
        ),
        target_namespace=_namespace("sondernutzungserlaubnis"),
    )


# --- Bewohnerparkausweis ---------------------------------------------------------------------


def bewohnerparkausweis():
    applicant = _applicant(
        "Bewohner/in",
        "Process_Bewohner",
        nodes=[
            start("Start_Parkausweis_benoetigt", "Parkausweis benötigt", APPLICANT, 0),
            task(
                "Task_Antrag_online",
                "Parkausweis online beantragen",
                APPLICANT,
                1,
                kind="sendTask",
                message="Message_Antrag",
                doc="Bewohnerparkzone, Kennzeichen und Zulassungsbescheinigung Teil I als Anlage.",
            ),
            catch(
                "Event_Zahlungsaufforderung",
                "Zahlungsaufforderung erhalten",
                APPLICANT,
                9,
                message="Message_Zahlungsaufforderung",
            ),
            task(
                "Task_Gebuehr_bezahlen",
                "Gebühr online bezahlen",
                APPLICANT,
                10,
                kind="sendTask",
                message="Message_Zahlung",
                doc="Bezahlung über ePayBL (giropay, Kreditkarte, PayPal).",
            ),
            catch("Event_Ausweis_erhalten", "Parkausweis erhalten", APPLICANT, 12, message="Message_Parkausweis"),
            end("End_Parken_moeglich", "Parken in der Zone möglich", APPLICANT, 13),
        ],
        flows=[
            Flow("Start_Parkausweis_benoetigt", "Task_Antrag_online"),
            Flow("Task_Antrag_online", "Event_Zahlungsaufforderung"),
            Flow("Event_Zahlungsaufforderung", "Task_Gebuehr_bezahlen"),
            Flow("Task_Gebuehr_bezahlen", "Event_Ausweis_erhalten"),
            Flow("Event_Ausweis_erhalten", "End_Parken_moeglich"),
        ],
    )
    city = Pool(
        "Participant_Stadtverwaltung",
        "Stadt Trier",
        "Process_Bewohnerparkausweis",
        "Bewohnerparkausweis",
        doc="Erteilung eines Bewohnerparkausweises durch die Straßenverkehrsbehörde der Stadt "
        "Trier: automatisierte Prüfung von Hauptwohnsitz und Fahrzeughaltung, Online-"
        "Zahlung, Druck und Versand des Ausweises.",
        lanes=[
            Lane(LANE_VERKEHR, "Straßenverkehrsbehörde – Bewohnerparken", rows=2),
            Lane(LANE_KASSE, "Stadtkasse", rows=2),
        ],
        nodes=[
            start("Start_Antrag_eingegangen", "Antrag eingegangen", LANE_VERKEHR, 1, message="Message_Antrag"),
            task(
                "Task_Meldedaten_abgleichen",
                "Hauptwohnsitz im Melderegister abgleichen",
                LANE_VERKEHR,
                2,
                kind="serviceTask",
                doc="IT-System: Einwohnerverfahren OK.EWO (automatisierte Abfrage); die "
                "Anschrift muss in der beantragten Bewohnerparkzone liegen.",
            ),
            gateway("Gateway_Zone", "Hauptwohnsitz in der Zone?", LANE_VERKEHR, 3, default="Task_Ablehnung"),
            task(
                "Task_Halterdaten_abfragen",
                "Halterdaten im ZFZR abfragen",
                LANE_VERKEHR,
                5,
                kind="serviceTask",
                doc="IT-System: Zentrales Fahrzeugregister des Kraftfahrt-Bundesamts (Online-Abfrage).",
            ),
            gateway(
                "Gateway_Halter",
                "Fahrzeug auf Antragsteller/in zugelassen?",
                LANE_VERKEHR,
                6,
                default="Task_Nutzungsnachweis_pruefen",
            ),
            task(
                "Task_Nutzungsnachweis_pruefen",
                "Nutzungsnachweis prüfen",
                LANE_VERKEHR,
                7,
                row=1,
                doc="Firmen- oder Leasingfahrzeug: Bestätigung des Arbeitgebers oder Leasingvertrag.",
            ),
            gateway("Gateway_Halter_Ende", "", LANE_VERKEHR, 8),
            task(
                "Task_Zahlung_anfordern",
                "Zahlung über ePayBL anfordern",
                LANE_KASSE,
                9,
                kind="sendTask",
                message="Message_Zahlungsaufforderung",
                doc="IT-System: ePayBL; Gebühr nach der Gebührenordnung für das "
                "Bewohnerparken der Stadt Trier (Gültigkeit ein Jahr).",
            ),
            task(
                "Task_Zahlungseingang_abwarten",
                "Zahlungseingang abwarten",
                LANE_KASSE,
                10,
                kind="receiveTask",
                message="Message_Zahlung",
            ),
            boundary(
                "Boundary_Keine_Zahlung",
                "30 Tage ohne Zahlung",
                "Task_Zahlungseingang_abwarten",
                timer=("timeDuration", "P30D"),
            ),
            task(
                "Task_Antrag_einstellen",
                "Forderung stornieren und Antrag einstellen",
                LANE_KASSE,
                11,
                row=1,
                kind="serviceTask",
                doc="IT-System: ePayBL, SAP-Finanzwesen.",
            ),
            end("End_Antrag_eingestellt", "Antrag eingestellt", LANE_KASSE, 12, row=1),
            task(
                "Task_Ausweis_drucken",
                "Parkausweis erstellen und drucken",
                LANE_VERKEHR,
                11,
                kind="serviceTask",
                doc="IT-System: Fachverfahren Bewohnerparken; Ausweis mit Kennzeichen, Zone und Gültigkeitsdauer.",
            ),
            task(
                "Task_Ausweis_versenden",
                "Parkausweis per Post versenden",
                LANE_VERKEHR,
                12,
                kind="sendTask",
                message="Message_Parkausweis",
            ),
            end("End_Ausweis_erteilt", "Parkausweis erteilt", LANE_VERKEHR, 13),
            task(
                "Task_Ablehnung",
                "Ablehnung mitteilen",
                LANE_VERKEHR,
                4,
                row=1,
                kind="sendTask",
                message="Message_Ablehnung",
            ),
            end("End_Abgelehnt", "Antrag abgelehnt", LANE_VERKEHR, 5, row=1),
        ],
        flows=[
            Flow("Start_Antrag_eingegangen", "Task_Meldedaten_abgleichen"),
            Flow("Task_Meldedaten_abgleichen", "Gateway_Zone"),
            Flow("Gateway_Zone", "Task_Halterdaten_abfragen", "ja", "hauptwohnsitzInZone = true"),
            Flow("Gateway_Zone", "Task_Ablehnung", "nein"),
            Flow("Task_Ablehnung", "End_Abgelehnt"),
            Flow("Task_Halterdaten_abfragen", "Gateway_Halter"),
            Flow("Gateway_Halter", "Gateway_Halter_Ende", "ja", "halterIstAntragsteller = true"),
            Flow("Gateway_Halter", "Task_Nutzungsnachweis_pruefen", "nein"),
            Flow("Task_Nutzungsnachweis_pruefen", "Gateway_Halter_Ende"),
            Flow("Gateway_Halter_Ende", "Task_Zahlung_anfordern"),
            Flow("Task_Zahlung_anfordern", "Task_Zahlungseingang_abwarten"),
            Flow("Task_Zahlungseingang_abwarten", "Task_Ausweis_drucken"),
            Flow("Boundary_Keine_Zahlung", "Task_Antrag_einstellen"),
            Flow("Task_Antrag_einstellen", "End_Antrag_eingestellt"),
            Flow("Task_Ausweis_drucken", "Task_Ausweis_versenden"),
            Flow("Task_Ausweis_versenden", "End_Ausweis_erteilt"),
        ],
    )
    return Model(
        "bewohnerparkausweis",
        "Bewohnerparkausweis",
        [applicant, city],
        message_flows=[
            MessageFlow(
                "MessageFlow_Antrag", "Task_Antrag_online", "Start_Antrag_eingegangen", "Antrag", "Message_Antrag"
            ),
            MessageFlow(
                "MessageFlow_Ablehnung", "Task_Ablehnung", "Participant_Antragsteller", "Ablehnung", "Message_Ablehnung"
            ),
            MessageFlow(
                "MessageFlow_Zahlungsaufforderung",
                "Task_Zahlung_anfordern",
                "Event_Zahlungsaufforderung",
                "Zahlungsaufforderung",
                "Message_Zahlungsaufforderung",
            ),
            MessageFlow(
                "MessageFlow_Zahlung",
                "Task_Gebuehr_bezahlen",
                "Task_Zahlungseingang_abwarten",
                "Zahlung",
                "Message_Zahlung",
            ),
            MessageFlow(
                "MessageFlow_Parkausweis",
                "Task_Ausweis_versenden",
                "Event_Ausweis_erhalten",
                "Parkausweis",
                "Message_Parkausweis",
            ),
        ],
        messages=[
            ("Message_Antrag", "Antrag auf Bewohnerparkausweis"),
            ("Message_Ablehnung", "Ablehnung des Antrags"),
            ("Message_Zahlungsaufforderung", "Zahlungsaufforderung (ePayBL)"),
            ("Message_Zahlung", "Zahlungsbestätigung"),
            ("Message_Parkausweis", "Bewohnerparkausweis"),
        ],
        manifest=manifest(
            "bewohnerparkausweis",
            "Bewohnerparkausweis",
            ["99108001001000"],
            "Online-Antrag auf einen Bewohnerparkausweis bei der Straßenverkehrsbehörde der "
            "Stadt Trier mit automatisiertem Abgleich von Melde- und Halterdaten, Online-Zahlung "
            "und Versand des Ausweises.",
            ["Bewohnerparken", "Parkausweis", "Anwohnerparken", "Parkzone", "Kfz"],
            [
                "§ 45 Abs. 1b Satz 1 Nr. 2a StVO",
                "§ 6a Abs. 5a StVG",
                "Gebührenordnung für das Bewohnerparken der Stadt Trier",
            ],
            "Straßenverkehrsbehörde – Bewohnerparken",
        ),
        target_namespace=_namespace("bewohnerparkausweis"),
    )


# --- Baugenehmigung im vereinfachten Verfahren -----------------------------------------------


def baugenehmigung_vereinfacht():
    applicant = _applicant(
        "Bauherr/in",
        "Process_Bauherr",
        nodes=[
            start("Start_Bauvorhaben", "Bauvorhaben geplant", APPLICANT, 0),
            task(
                "Task_Bauantrag_einreichen",
                "Bauantrag mit Bauvorlagen einreichen",
                APPLICANT,
                1,
                kind="sendTask",
                message="Message_Bauantrag",
                doc="Durch bauvorlageberechtigte Entwurfsverfasser/in (§ 64 LBauO), digital über das Bauportal.",
            ),
            catch("Event_Bescheid_erhalten", "Bescheid erhalten", APPLICANT, 14, message="Message_Bescheid"),
            end("End_Bescheid_erhalten", "Bauantrag beschieden", APPLICANT, 15),
        ],
        flows=[
            Flow("Start_Bauvorhaben", "Task_Bauantrag_einreichen"),
            Flow("Task_Bauantrag_einreichen", "Event_Bescheid_erhalten"),
            Flow("Event_Bescheid_erhalten", "End_Bescheid_erhalten"),
        ],
    )
    city = Pool(
        "Participant_Stadtverwaltung",
        "Stadt Trier",
        "Process_Baugenehmigung_vereinfacht",
        "Baugenehmigung im vereinfachten Verfahren",
        doc="Baugenehmigung im vereinfachten Genehmigungsverfahren durch die Bauaufsicht der "
        "Stadt Trier: Registrierung, Vollständigkeitsprüfung mit Mängelschreiben, "
        "planungsrechtliche Beurteilung und Beteiligung der Fachstellen, Entscheidung, "
        "Gebühr und Zustellung.",
        lanes=[
            Lane(LANE_STADTPLANUNG, "Stadtplanungsamt"),
            Lane(LANE_BAUAUFSICHT, "Bauaufsichtsamt – Sachbearbeitung", rows=3),
            Lane(LANE_KASSE, "Stadtkasse"),
        ],
        nodes=[
            start(
                "Start_Bauantrag_eingegangen", "Bauantrag eingegangen", LANE_BAUAUFSICHT, 0, message="Message_Bauantrag"
            ),
            task(
                "Task_Bauantrag_registrieren",
                "Bauantrag im Fachverfahren registrieren",
                LANE_BAUAUFSICHT,
                1,
                kind="serviceTask",
                doc="IT-System: ProBauG (Baugenehmigungsverfahren) mit digitaler Bauakte; "
                "Eingangsbestätigung an die Entwurfsverfasser/in.",
            ),
            gateway("Gateway_Bauvorlagen_Zusammenfuehrung", "", LANE_BAUAUFSICHT, 2),
            task(
                "Task_Vollstaendigkeit_pruefen",
                "Bauvorlagen auf Vollständigkeit prüfen",
                LANE_BAUAUFSICHT,
                3,
                doc="Prüfung nach der Landesverordnung über Bauunterlagen und die bautechnische "
                "Prüfung (BauuntPrüfVO).",
            ),
            gateway(
                "Gateway_Vollstaendig",
                "Bauvorlagen vollständig?",
                LANE_BAUAUFSICHT,
                4,
                default="Task_Maengel_mitteilen",
            ),
            task(
                "Task_Maengel_mitteilen",
                "Mängel mitteilen und Frist setzen",
                LANE_BAUAUFSICHT,
                5,
                row=1,
                kind="sendTask",
                message="Message_Maengel",
            ),
            task(
                "Task_Nachreichung_abwarten",
                "Ergänzte Bauvorlagen abwarten",
                LANE_BAUAUFSICHT,
                6,
                row=1,
                kind="receiveTask",
                message="Message_Nachreichung",
            ),
            boundary(
                "Boundary_Frist_abgelaufen",
                "Frist abgelaufen",
                "Task_Nachreichung_abwarten",
                timer=("timeDuration", "P1M"),
                doc="Frist zur Ergänzung in der Regel ein Monat.",
            ),
            task(
                "Task_Ruecknahme_mitteilen",
                "Rücknahme des Bauantrags mitteilen",
                LANE_BAUAUFSICHT,
                7,
                row=2,
                kind="sendTask",
                message="Message_Ruecknahme",
            ),
            end("End_Zurueckgenommen", "Bauantrag gilt als zurückgenommen", LANE_BAUAUFSICHT, 8, row=2),
            gateway("Gateway_Beteiligung", "", LANE_BAUAUFSICHT, 8, kind="parallelGateway"),
            task(
                "Task_Planungsrecht_beurteilen",
                "Planungsrechtliche Zulässigkeit beurteilen",
                LANE_STADTPLANUNG,
                9,
                doc="§§ 30–35 BauGB; Bebauungsplan, Innen- oder Außenbereich.",
            ),
            task(
                "Task_Fachstellen_beteiligen",
                "Fachstellen beteiligen",
                LANE_BAUAUFSICHT,
                9,
                doc="z. B. Denkmalschutz, Brandschutzdienststelle, Untere Naturschutzbehörde.",
            ),
            gateway("Gateway_Beteiligung_Ende", "", LANE_BAUAUFSICHT, 10, kind="parallelGateway"),
            gateway(
                "Gateway_Genehmigungsfaehig",
                "Vorhaben genehmigungsfähig?",
                LANE_BAUAUFSICHT,
                11,
                default="Task_Ablehnung",
            ),
            task(
                "Task_Bauschein_erstellen",
                "Baugenehmigung mit Nebenbestimmungen erstellen",
                LANE_BAUAUFSICHT,
                12,
                kind="serviceTask",
                doc="IT-System: ProBauG, Bescheidvorlage.",
            ),
            task(
                "Task_Gebuehren_festsetzen",
                "Baugenehmigungsgebühr festsetzen",
                LANE_KASSE,
                13,
                kind="serviceTask",
                doc="Gebühr nach dem Besonderen Gebührenverzeichnis (nach Baukosten); Sollstellung im SAP-Finanzwesen.",
            ),
            task(
                "Task_Bescheid_zustellen",
                "Baugenehmigung zustellen",
                LANE_BAUAUFSICHT,
                14,
                kind="sendTask",
                message="Message_Bescheid",
            ),
            end("End_Genehmigt", "Baugenehmigung erteilt", LANE_BAUAUFSICHT, 15),
            task(
                "Task_Ablehnung",
                "Ablehnungsbescheid zustellen",
                LANE_BAUAUFSICHT,
                13,
                row=1,
                kind="sendTask",
                message="Message_Bescheid",
            ),
            end("End_Abgelehnt", "Bauantrag abgelehnt", LANE_BAUAUFSICHT, 14, row=1),
        ],
        flows=[
            Flow("Start_Bauantrag_eingegangen", "Task_Bauantrag_registrieren"),
            Flow("Task_Bauantrag_registrieren", "Gateway_Bauvorlagen_Zusammenfuehrung"),
            Flow("Gateway_Bauvorlagen_Zusammenfuehrung", "Task_Vollstaendigkeit_pruefen"),
            Flow("Task_Vollstaendigkeit_pruefen", "Gateway_Vollstaendig"),
            Flow("Gateway_Vollstaendig", "Gateway_Beteiligung", "ja", "bauvorlagenVollstaendig = true"),
            Flow("Gateway_Vollstaendig", "Task_Maengel_mitteilen", "nein"),
            Flow("Task_Maengel_mitteilen", "Task_Nachreichung_abwarten"),
            Flow("Task_Nachreichung_abwarten", "Gateway_Bauvorlagen_Zusammenfuehrung"),
            Flow("Boundary_Frist_abgelaufen", "Task_Ruecknahme_mitteilen"),
            Flow("Task_Ruecknahme_mitteilen", "End_Zurueckgenommen"),
            Flow("Gateway_Beteiligung", "Task_Planungsrecht_beurteilen"),
            Flow("Gateway_Beteiligung", "Task_Fachstellen_beteiligen"),
            Flow("Task_Planungsrecht_beurteilen", "Gateway_Beteiligung_Ende"),
            Flow("Task_Fachstellen_beteiligen", "Gateway_Beteiligung_Ende"),
            Flow("Gateway_Beteiligung_Ende", "Gateway_Genehmigungsfaehig"),
            Flow("Gateway_Genehmigungsfaehig", "Task_Bauschein_erstellen", "ja", "genehmigungsfaehig = true"),
            Flow("Gateway_Genehmigungsfaehig", "Task_Ablehnung", "nein"),
            Flow("Task_Bauschein_erstellen", "Task_Gebuehren_festsetzen"),
            Flow("Task_Gebuehren_festsetzen", "Task_Bescheid_zustellen"),
            Flow("Task_Bescheid_zustellen", "End_Genehmigt"),
            Flow("Task_Ablehnung", "End_Abgelehnt"),
        ],
    )
    return Model(
        "baugenehmigung-vereinfacht",
        "Baugenehmigung im vereinfachten Verfahren",
        [applicant, city],
        message_flows=[
            MessageFlow(
                "MessageFlow_Bauantrag",
                "Task_Bauantrag_einreichen",
                "Start_Bauantrag_eingegangen",
                "Bauantrag",
                "Message_Bauantrag",
            ),
            MessageFlow(
                "MessageFlow_Maengel",
                "Task_Maengel_mitteilen",
                "Participant_Antragsteller",
                "Mängelschreiben",
                "Message_Maengel",
            ),
            MessageFlow(
                "MessageFlow_Nachreichung",
                "Participant_Antragsteller",
                "Task_Nachreichung_abwarten",
                "Ergänzte Bauvorlagen",
                "Message_Nachreichung",
            ),
            MessageFlow(
                "MessageFlow_Ruecknahme",
                "Task_Ruecknahme_mitteilen",
                "Participant_Antragsteller",
                "Mitteilung Rücknahme",
                "Message_Ruecknahme",
            ),
            MessageFlow(
                "MessageFlow_Baugenehmigung",
                "Task_Bescheid_zustellen",
                "Event_Bescheid_erhalten",
                "Baugenehmigung",
                "Message_Bescheid",
            ),
            MessageFlow(
                "MessageFlow_Ablehnung", "Task_Ablehnung", "Participant_Antragsteller", "Ablehnung", "Message_Bescheid"
            ),
        ],
        messages=[
            ("Message_Bauantrag", "Bauantrag mit Bauvorlagen"),
            ("Message_Maengel", "Mängelschreiben"),
            ("Message_Nachreichung", "Ergänzte Bauvorlagen"),
            ("Message_Ruecknahme", "Mitteilung über die Rücknahme"),
            ("Message_Bescheid", "Bescheid über den Bauantrag"),
        ],
        manifest=manifest(
            "baugenehmigung-vereinfacht",
            "Baugenehmigung im vereinfachten Verfahren",
            ["99012008001001"],
            "Baugenehmigung im vereinfachten Genehmigungsverfahren bei der Bauaufsicht der Stadt "
            "Trier: Registrierung, Vollständigkeitsprüfung mit Mängelschreiben, "
            "planungsrechtliche Beurteilung, Beteiligung der Fachstellen, Entscheidung, Gebühr "
            "und Zustellung.",
            ["Baugenehmigung", "Bauantrag", "vereinfachtes Verfahren", "Bauaufsicht", "LBauO"],
            [
                "§ 66 LBauO Rheinland-Pfalz",
                "§ 63 LBauO Rheinland-Pfalz",
                "§ 70 LBauO Rheinland-Pfalz",
                "§§ 29–38 BauGB",
            ],
            "Bauaufsichtsamt – Sachbearbeitung",
            status=3,
        ),
        target_namespace=_namespace("baugenehmigung-vereinfacht"),
    )


# --- registry --------------------------------------------------------------------------------


def trier_models():
    return [
        gewerbeanmeldung(),
        gewerbeabmeldung(),
        hundesteuer_anmeldung(),
        wohnsitz_anmeldung(),
        sondernutzungserlaubnis(),
        bewohnerparkausweis(),
        baugenehmigung_vereinfacht(),
    ]


def trier_v2_models():
    return [gewerbeanmeldung_v2()]
