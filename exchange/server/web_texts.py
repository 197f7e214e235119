"""The texts of the library's web pages in German (default) and English, and the status labels."""

T = {
    "de": {
        "site": "Prozessbibliothek", "skip": "Zum Inhalt springen", "nav": "Hauptnavigation",
        "signin": "Anmelden", "signout": "Abmelden", "signed_in_as": "Angemeldet als",
        "search_heading": "Prozesse suchen",
        "signin_heading": "Anmelden", "signin_intro": "Melden Sie sich einmal mit dem Zugangstoken Ihrer "
        "Kommune an. Die Verwaltung der Bibliothek erstellt es mit „procex admin token create“. Danach hält ein "
        "Sitzungs-Cookie die Anmeldung für 12 Stunden; das Token selbst wird nicht gespeichert.",
        "token": "Zugangstoken", "token_hint": "beginnt mit „pxl_“",
        "token_invalid": "Das Token ist unbekannt oder wurde widerrufen. Bitten Sie die Verwaltung der Bibliothek "
        "um ein neues (procex admin token create).",
        "q": "Suchbegriffe", "q_hint": "Name, Beschreibung, Schlagwörter, Aufgaben",
        "key": "Leistungsschlüssel", "key_hint": "14 Ziffern, z. B. 99050012104000",
        "publisher": "Herausgeber", "all_publishers": "alle Mitglieder", "search": "Suchen",
        "bad_key": "Ein Leistungsschlüssel hat genau 14 Ziffern, z. B. 99050012104000.",
        "bad_publisher": "Der Herausgeber ist als Kürzel anzugeben (Kleinbuchstaben, Ziffern, Bindestrich).",
        "results": "Treffer", "no_results": "Keine Prozesse gefunden. Versuchen Sie weniger oder andere Suchbegriffe.",
        "all_processes": "Alle Prozesse der Bibliothek",
        "own_only": "Ihre Kommune hat der Vereinbarung zum Teilen noch nicht zugestimmt. Sie sehen daher nur Ihre "
        "eigenen Prozesse; die Prozesse anderer Mitglieder werden sichtbar, sobald die Zustimmung eingetragen ist.",
        "pages": "Seiten", "previous_page": "Vorherige Seite", "next_page": "Nächste Seite", "page_of": "Seite {n} von {m}",
        "agreement_heading": "Zustimmung zur Vereinbarung fehlt",
        "agreement": "Ihre Kommune ({slug}) hat der Vereinbarung zum Teilen der Prozesse noch nicht zugestimmt. Nach "
        "dem Grundsatz „Geben und Nehmen“ sehen Mitglieder die Prozesse anderer erst, wenn sie zugestimmt haben, "
        "ihre eigenen zu teilen. Ihre eigenen Prozesse sehen Sie immer. Die Verwaltung der Bibliothek trägt die "
        "Zustimmung ein mit:",
        "unauthorized_heading": "Anmeldung nötig", "not_found_heading": "Nicht gefunden",
        "error_heading": "Fehler", "not_found": "Diese Bibliothek hat {what} nicht.",
        "no_diagram_heading": "Kein Diagramm",
        "no_di": "Dieses Modell enthält kein Diagramm-Layout (BPMNDI), und procex erfindet keines. Die Elemente "
        "stehen in der Liste darunter.",
        "not_derived": "{ref} ist von keinem anderen Prozess abgeleitet.",
        "back_to_search": "Zurück zur Suche",
        "version": "Version", "latest": "aktuell", "yanked": "zurückgezogen", "yanked_banner":
        "Diese Version wurde zurückgezogen", "reason": "Grund",
        "contents": "Inhalt der Seite", "diagram": "Diagramm", "details": "Angaben", "versions": "Versionen",
        "validation": "Prüfung", "adoptions": "Übernahmen", "downloads": "Herunterladen",
        "diagram_of": "Diagramm von {name}, Version {version}",
        "diagram_choice": "Diagramm wählen", "no_diagram": "Kein Diagramm: ",
        "elements": "Elemente des Diagramms (Textfassung)", "type": "Typ", "name": "Name", "lane": "Lane / Pool",
        "scroll_hint": "Breite Diagramme lassen sich mit den Pfeiltasten verschieben.",
        "f_name": "Name", "f_version": "Version", "f_publisher": "Herausgeber", "f_key": "Leistungsschlüssel",
        "f_description": "Beschreibung", "f_keywords": "Schlagwörter", "f_stufe": "Detaillierungsstufe",
        "f_status": "Freigabestatus", "f_region": "Gebiet", "f_ags": "AGS", "f_contact": "Ansprechstelle",
        "f_license": "Lizenz", "f_legal": "Rechtsgrundlagen", "f_derived": "Abgeleitet von",
        "f_model": "Modelldatei", "f_published": "Veröffentlicht am",
        "bytes": "Bytes", "compare_origin": "Änderungen gegenüber dem Original ansehen",
        "published": "veröffentlicht", "state": "Zustand", "actions": "Aktionen", "show": "ansehen",
        "download": "herunterladen", "compare_previous": "mit {v} vergleichen", "current": "angezeigt",
        "valid": "Gültig: Schema (OMG BPMN 2.0 XSD) und Verweise ohne Fehler.",
        "invalid": "{n} Fehler im Modell.", "warnings": "{n} Hinweise der empfohlenen Modellierungsregeln",
        "no_warnings": "Keine Hinweise der empfohlenen Modellierungsregeln.",
        "validation_unavailable": "Die Prüfung ist auf diesem Server nicht verfügbar: ",
        "severity": "Schwere", "rule": "Regel", "message": "Meldung", "line": "Zeile",
        "sev_error": "Fehler", "sev_warning": "Hinweis", "sev_info": "Info",
        "no_adoptions": "Noch keine Kommune hat eine Version dieses Prozesses übernommen.",
        "adopter": "Kommune", "adopted_at": "übernommen am", "derivations": "Abgeleitete Prozesse",
        "derived_from_version": "von Version {v}",
        "dl_report": "Vergleichsbericht als HTML-Datei herunterladen", "dl_model": "BPMN-Modell", "dl_manifest": "Manifest (JSON)", "dl_svg": "Diagramm (SVG)",
        "compare_heading": "Vergleich", "old": "vorher", "new": "nachher",
        "changes": "Änderungen", "no_changes": "Keine Änderungen: die Modelle sind inhaltlich gleich.",
        "only_layout": "Nur das Layout hat sich geändert.",
        "legend": "Legende", "change_kind": "Art", "element": "Element", "detail": "Einzelheiten",
        "origin_heading": "Anpassung gegenüber dem Original",
        "semantic_changes": "{n} inhaltliche Änderungen",
        "footer": "procex – Prozesse teilen und anpassen. Diese Seiten kommen ohne JavaScript und ohne fremde Quellen aus.",
    },
    "en": {
        "site": "Process library", "skip": "Skip to content", "nav": "Main navigation",
        "signin": "Sign in", "signout": "Sign out", "signed_in_as": "Signed in as",
        "search_heading": "Search processes",
        "signin_heading": "Sign in", "signin_intro": "Sign in once with your municipality's access token. The "
        "library's administrator creates it with `procex admin token create`. A session cookie then keeps you "
        "signed in for 12 hours; the token itself is not stored.",
        "token": "Access token", "token_hint": "starts with 'pxl_'",
        "token_invalid": "The token is unknown or was revoked. Ask the library's administrator for a new one "
        "(procex admin token create).",
        "q": "Search words", "q_hint": "name, description, keywords, tasks",
        "key": "Leistungsschlüssel", "key_hint": "14 digits, e.g. 99050012104000",
        "publisher": "Publisher", "all_publishers": "all members", "search": "Search",
        "bad_key": "A Leistungsschlüssel has exactly 14 digits, e.g. 99050012104000.",
        "bad_publisher": "Give the publisher as its slug (lower-case letters, digits, hyphens).",
        "results": "results", "no_results": "No processes found. Try fewer or other words.",
        "all_processes": "All processes of the library",
        "own_only": "Your municipality has not accepted the sharing agreement yet, so you see your own processes "
        "only; other members' processes become visible once the agreement is recorded.",
        "pages": "Pages", "previous_page": "Previous page", "next_page": "Next page", "page_of": "Page {n} of {m}",
        "agreement_heading": "Sharing agreement not accepted",
        "agreement": "Your municipality ({slug}) has not accepted the library's sharing agreement. Under the "
        "give-to-get rule a member reads other members' processes only after it agreed to share its own; its own "
        "processes it can always read. The library's administrator records the agreement with:",
        "unauthorized_heading": "Sign-in needed", "not_found_heading": "Not found",
        "error_heading": "Error", "not_found": "This library has no {what}.",
        "no_diagram_heading": "No diagram",
        "no_di": "This model has no diagram interchange (BPMNDI), and procex does not invent a layout. Its "
        "elements are listed below.",
        "not_derived": "{ref} is not derived from another process.",
        "back_to_search": "Back to search",
        "version": "Version", "latest": "latest", "yanked": "yanked", "yanked_banner": "This version was yanked",
        "reason": "Reason",
        "contents": "On this page", "diagram": "Diagram", "details": "Details", "versions": "Versions",
        "validation": "Validation", "adoptions": "Adoptions", "downloads": "Downloads",
        "diagram_of": "Diagram of {name}, version {version}",
        "diagram_choice": "Choose a diagram", "no_diagram": "No diagram: ",
        "elements": "Elements of the diagram (text version)", "type": "Type", "name": "Name", "lane": "Lane / pool",
        "scroll_hint": "Wide diagrams scroll with the arrow keys.",
        "f_name": "Name", "f_version": "Version", "f_publisher": "Publisher", "f_key": "Leistungsschlüssel",
        "f_description": "Description", "f_keywords": "Keywords", "f_stufe": "Detaillierungsstufe",
        "f_status": "Release status", "f_region": "Region", "f_ags": "AGS", "f_contact": "Contact office",
        "f_license": "Licence", "f_legal": "Legal basis", "f_derived": "Derived from",
        "f_model": "Model file", "f_published": "Published",
        "bytes": "bytes", "compare_origin": "See the changes against the original",
        "published": "published", "state": "State", "actions": "Actions", "show": "show",
        "download": "download", "compare_previous": "compare with {v}", "current": "shown",
        "valid": "Valid: schema (OMG BPMN 2.0 XSD) and references without errors.",
        "invalid": "{n} errors in the model.", "warnings": "{n} findings of the recommended modelling rules",
        "no_warnings": "No findings of the recommended modelling rules.",
        "validation_unavailable": "Validation is not available on this server: ",
        "severity": "Severity", "rule": "Rule", "message": "Message", "line": "Line",
        "sev_error": "error", "sev_warning": "warning", "sev_info": "info",
        "no_adoptions": "No municipality has adopted a version of this process yet.",
        "adopter": "Municipality", "adopted_at": "adopted", "derivations": "Derived processes",
        "derived_from_version": "from version {v}",
        "dl_report": "Download the comparison report as an HTML file", "dl_model": "BPMN model", "dl_manifest": "Manifest (JSON)", "dl_svg": "Diagram (SVG)",
        "compare_heading": "Comparison", "old": "before", "new": "after",
        "changes": "Changes", "no_changes": "No changes: the models have the same content.",
        "only_layout": "Only the layout changed.",
        "legend": "Legend", "change_kind": "Kind", "element": "Element", "detail": "Details",
        "origin_heading": "Adaptation of the original",
        "semantic_changes": "{n} changes of content",
        "footer": "procex – share and adapt processes. These pages need no JavaScript and load nothing from elsewhere.",
    },
}
# The FIM status codes of a process (manifest "status").
STATUS_LABELS = {
    "de": {1: "in Planung", 2: "in Bearbeitung", 3: "Entwurf", 4: "methodisch freigegeben",
           5: "fachlich freigegeben (silber)", 6: "fachlich freigegeben (gold)", 7: "inaktiv",
           8: "vorgesehen zum Löschen"},
    "en": {1: "planned", 2: "in progress", 3: "draft", 4: "methodically released",
           5: "released by the department (silver)", 6: "released by the department (gold)", 7: "inactive",
           8: "to be deleted"},
}


def translator(lang):
    """``t(key, **values)``: the text ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    table = T[lang]
    return lambda key, **values: table[key].format(**values) if values else table[key]
