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
        "warnings_one": "1 Hinweis der empfohlenen Modellierungsregeln",
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
        "semantic_changes": "{n} inhaltliche Änderungen", "semantic_change_one": "1 inhaltliche Änderung",
        "footer": "procex – Prozesse teilen und anpassen. Diese Seiten kommen ohne JavaScript und ohne fremde Quellen aus.",
        # errors of the pages (bad addresses and parameters)
        "bad_request_heading": "Ungültige Angabe in der Adresse",
        "bad_param": "Der Parameter „{name}“ hat den ungültigen Wert „{value}“; erlaubt ist {allowed}.",
        "bad_param_plain": "Der Parameter „{name}“ hat den ungültigen Wert „{value}“.",
        "allowed_page": "eine ganze Zahl von 1 bis {max} (die Seite der Trefferliste)",
        "allowed_diagram": "eine ganze Zahl ab 0 (die Nummer des Diagramms im Modell)",
        "allowed_diagram_one": "nur 0, denn das Modell hat ein Diagramm",
        "allowed_diagram_none": "nur 0, denn das Modell hat kein Diagramm-Layout",
        "allowed_diagram_n": "eine ganze Zahl von 0 bis {max}, denn das Modell hat {n} Diagramme",
        "allowed_origin": "1 (mit dem Original vergleichen, von dem dieser Prozess abgeleitet ist); ohne den "
        "Parameter vergleicht die Seite zwei Versionen",
        "allowed_to": "eine Versionsnummer dieses Prozesses in der Form 1.2.0",
        "to_and_origin": "Die Parameter „to“ und „origin“ schließen sich aus: „to“ vergleicht zwei Versionen dieses "
        "Prozesses, „origin=1“ vergleicht ihn mit dem Original, von dem er abgeleitet ist.",
        "page_beyond": "Seite {n} gibt es nicht: alle {total} Treffer stehen auf {last}.",
        "page_beyond_one": "Seite 1", "page_beyond_many": "den Seiten 1 bis {m}",
        "page_beyond_none": "Seite {n} gibt es nicht: die Suche hat keine Treffer.",
        "go_to_page": "Zur Seite {n}",
        "unknown_publisher": "Die Bibliothek hat kein Mitglied mit dem Kürzel „{slug}“. Wählen Sie einen Herausgeber "
        "aus der Liste.",
        "bad_name": "„{what}“ ist keine gültige Adresse eines Prozesses: Herausgeber und Prozess werden als Kürzel "
        "geschrieben (Kleinbuchstaben, Ziffern, Bindestrich), z. B. /p/trier/gewerbeanmeldung.",
        "bad_version": "„{version}“ ist keine Versionsnummer: Versionen haben die Form 1.2.0.",
        "no_such_version": "{process} hat keine Version {version}.",
        "existing_versions": "{process} hat die Versionen {versions}.",
        "to_process": "Zur Seite von {process} mit allen Versionen",
        "no_latest": "{process} hat keine veröffentlichte Version, die nicht zurückgezogen ist.",
        "page_not_found": "Diese Seite gibt es nicht: {path}. Prozesse finden Sie über die Suche.",
        "method_heading": "Aufruf so nicht möglich",
        "method_not_allowed": "Die Seite {path} lässt sich nicht mit {method} aufrufen. Benutzen Sie die Links und "
        "Schaltflächen der Seiten.",
        "internal_heading": "Fehler auf dem Server",
        "internal": "Auf dem Server ist ein Fehler aufgetreten. Die Verwaltung der Bibliothek findet die "
        "Einzelheiten im Server-Protokoll; versuchen Sie es später noch einmal.",
        "status_error": "Die Anfrage wurde mit Status {status} abgelehnt.",
        "form_unreadable": "Das Formular konnte nicht gelesen werden. Laden Sie die Anmeldeseite neu und versuchen "
        "Sie es noch einmal.",
        "cross_site_heading": "Formular von einer fremden Seite",
        "cross_site": "Dieses Formular kam von {origin}, nicht von den Seiten der Bibliothek; zum Schutz Ihrer "
        "Anmeldung nimmt sie Formulare nur von ihren eigenen Seiten an. Öffnen Sie {site} direkt und schicken Sie "
        "das Formular dort ab.",
        "cross_site_unknown": "Ihr Browser hat nicht mitgeteilt, von welcher Seite dieses Formular kam (weder "
        "Origin noch Referer); zum Schutz Ihrer Anmeldung nimmt die Bibliothek Formulare nur von ihren eigenen "
        "Seiten an. Öffnen Sie {site} in einem aktuellen Browser und schicken Sie das Formular dort ab; Programme "
        "benutzen die API mit dem Token.",
        "hidden_origin": "einer Seite, die ihre Adresse verbirgt",
        # the compare pages
        "compare_title": "Vergleich {old} → {new}",
        "origin_title": "Anpassung {new} gegenüber dem Original {old}",
        "original": "Original", "adaptation": "Anpassung",
        "choose_heading": "Version zum Vergleich wählen",
        "choose_text": "Wählen Sie die Version, mit der {ref} verglichen werden soll:",
        "choose_link": "{old} mit {new} vergleichen",
        "choose_origin": "Oder mit dem Original vergleichen, von dem {ref} abgeleitet ist:",
        "origin_link": "{ref} mit dem Original {original} vergleichen",
        "only_version": "{process} hat nur diese eine Version; es gibt keine andere Version zum Vergleichen.",
        "same_version": "„to={version}“ ist diese Version selbst; der Vergleich mit sich selbst zeigt nichts.",
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
        "warnings_one": "1 finding of the recommended modelling rules",
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
        "semantic_changes": "{n} changes of content", "semantic_change_one": "1 change of content",
        "footer": "procex – share and adapt processes. These pages need no JavaScript and load nothing from elsewhere.",
        # errors of the pages (bad addresses and parameters)
        "bad_request_heading": "Invalid value in the address",
        "bad_param": "The parameter '{name}' has the invalid value '{value}'; it must be {allowed}.",
        "bad_param_plain": "The parameter '{name}' has the invalid value '{value}'.",
        "allowed_page": "a whole number from 1 to {max} (the page of results)",
        "allowed_diagram": "a whole number from 0 (the number of the diagram in the model)",
        "allowed_diagram_one": "0, as the model has one diagram",
        "allowed_diagram_none": "0, as the model has no diagram layout",
        "allowed_diagram_n": "a whole number from 0 to {max}, as the model has {n} diagrams",
        "allowed_origin": "1 (compare with the original this process was derived from); without it the page "
        "compares two versions",
        "allowed_to": "a version number of this process such as 1.2.0",
        "to_and_origin": "The parameters 'to' and 'origin' exclude each other: 'to' compares two versions of this "
        "process, 'origin=1' compares it with the original it was derived from.",
        "page_beyond": "There is no page {n}: all {total} results are on {last}.",
        "page_beyond_one": "page 1", "page_beyond_many": "pages 1 to {m}",
        "page_beyond_none": "There is no page {n}: the search has no results.",
        "go_to_page": "Go to page {n}",
        "unknown_publisher": "The library has no member with the slug '{slug}'. Choose a publisher from the list.",
        "bad_name": "'{what}' is not the address of a process: publisher and process are written as slugs "
        "(lower-case letters, digits, hyphens), e.g. /p/trier/gewerbeanmeldung.",
        "bad_version": "'{version}' is not a version number: versions look like 1.2.0.",
        "no_such_version": "{process} has no version {version}.",
        "existing_versions": "{process} has the versions {versions}.",
        "to_process": "To the page of {process} with all its versions",
        "no_latest": "{process} has no published version that is not yanked.",
        "page_not_found": "There is no page {path}. Find processes through the search.",
        "method_heading": "Not possible this way",
        "method_not_allowed": "The page {path} cannot be requested with {method}. Use the pages' links and buttons.",
        "internal_heading": "Error on the server",
        "internal": "An error occurred on the server. The library's administrator finds the details in the server "
        "log; please try again later.",
        "status_error": "The request was refused with status {status}.",
        "form_unreadable": "The form could not be read. Reload the sign-in page and try again.",
        "cross_site_heading": "Form from another site",
        "cross_site": "This form came from {origin}, not from the library's pages; to protect your sign-in the "
        "library accepts forms from its own pages only. Open {site} directly and send the form there.",
        "cross_site_unknown": "Your browser did not say which page this form came from (neither Origin nor "
        "Referer); to protect your sign-in the library accepts forms from its own pages only. Open {site} in a "
        "current browser and send the form there; programs use the API with the token.",
        "hidden_origin": "a page that hides its address",
        # the compare pages
        "compare_title": "Comparison {old} → {new}",
        "origin_title": "Adaptation {new} compared with the original {old}",
        "original": "original", "adaptation": "adaptation",
        "choose_heading": "Choose a version to compare with",
        "choose_text": "Choose the version to compare {ref} with:",
        "choose_link": "compare {old} with {new}",
        "choose_origin": "Or compare with the original {ref} was derived from:",
        "origin_link": "compare {ref} with the original {original}",
        "only_version": "{process} has only this one version; there is no other version to compare it with.",
        "same_version": "'to={version}' is this version itself; comparing it with itself shows nothing.",
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
