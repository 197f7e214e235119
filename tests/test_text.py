"""German-aware label normalisation and similarity (bpmn/text.py), checked against known answers."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procex.bpmn.text import compact_label, label_similarity, label_tokens, normalize_label


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Antrag\nprüfen", "antrag pruefen"),
        ("  Antrag \t prüfen  ", "antrag pruefen"),
        ("Antrag\r\nprüfen", "antrag pruefen"),
        ("Prüfung", "pruefung"),
        ("Pruefung", "pruefung"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("Gebühr (erheben)!", "gebuehr erheben"),
        ("Straßen-Sondernutzung", "strassen sondernutzung"),
        ("Antrags\u00adprüfung", "antragspruefung"),  # soft hyphen joins
        ("Antrags-\nprüfung", "antragspruefung"),  # hyphen at a line break splits a word
        ("Frist 30,5 Tage", "frist 30.5 tage"),  # decimal separator kept
        ("§ 34c GewO", "§ 34c gewo"),
        ("Prüfung".replace("ü", "u\u0308"), "pruefung"),  # decomposed umlaut (NFD) is composed first
        ("Café", "cafe"),
        ("", ""),
    ],
)
def test_normalize_label(raw, expected):
    assert normalize_label(raw) == expected


@pytest.mark.parametrize(
    "label, tokens",
    [
        ("Hundesteueranmeldung", ["hund", "steuer", "anmeld"]),
        ("Gewerbeanmeldung", ["gewerb", "anmeld"]),
        ("Antragsprüfung", ["antrag", "pruef"]),
        ("Antrag prüfen", ["antrag", "pruef"]),
        ("Antrag geprüft", ["antrag", "pruef"]),
        ("Anträge", ["antrag"]),
        ("Bewohnerparkausweis", ["bewohner", "park", "ausweis"]),
        ("Parkausweis für Anwohner", ["park", "ausweis", "anwohner"]),
        ("Bauerlaubnis", ["bau", "erlaubnis"]),
        ("Baum", ["baum"]),  # not bau + m
        ("Abwassergebühr", ["abwasser", "gebuehr"]),
        ("Strassensondernutzung", ["strass", "sonder", "nutz"]),  # unknown part "sonder" beside known ones
        ("für", ["fuer"]),  # a label of stop words still has a token
    ],
)
def test_label_tokens(label, tokens):
    assert label_tokens(label) == tokens


@pytest.mark.parametrize(
    "a, b",
    [
        ("Antrag\nprüfen", "antrag prüfen"),
        ("Prüfung", "Pruefung"),
        ("Straßen-Sondernutzung", "Strassensondernutzung"),
        ("Gewerbe-Anmeldung", "Gewerbeanmeldung"),
        ("Antrag  prüfen.", "ANTRAG PRÜFEN"),
    ],
)
def test_equal_after_normalisation(a, b):
    assert compact_label(a) == compact_label(b)
    assert label_similarity(a, b) == 1.0


@pytest.mark.parametrize(
    "a, b",
    [
        ("Antrag prüfen", "Antragsprüfung"),
        ("Gewerbeanmeldung", "Gewerbe Anmeldung"),
        ("Hundesteueranmeldung", "Hundesteuer Anmeldung"),
        ("Hundesteuer anmelden", "Hundesteuer Anmeldung"),
        ("Bescheid erstellen", "Bescheiderstellung"),
        ("Gebühren erheben", "Gebühr erheben"),
        ("Antrag prüfen", "Antrag pruefen und"),
    ],
)
def test_similar_pairs(a, b):
    assert label_similarity(a, b) > 0.8


@pytest.mark.parametrize(
    "a, b",
    [
        ("Antrag prüfen", "Gebühr erheben"),
        ("Hundesteuer Anmeldung", "Baugenehmigung"),
        ("Bescheid versenden", "Zahlung prüfen"),
        ("Parkausweis", "Fischereischein"),
    ],
)
def test_unrelated_pairs(a, b):
    assert label_similarity(a, b) < 0.4


def test_partial_pairs_are_in_between():
    # Same object, another action: clearly related, clearly not the same.
    score = label_similarity("Antrag prüfen", "Antrag ablehnen")
    assert 0.4 < score < 0.8
    # Only a different label gets below 1.0.
    assert label_similarity("Antrag prüfen", "Antragsprüfung") < 1.0


labels = st.text(alphabet=st.sampled_from(list("abcäöüßeinrst -\n\u00adPÜ")), max_size=25)


@settings(max_examples=300, deadline=None)
@given(labels, labels)
def test_symmetric_bounded_deterministic(a, b):
    s = label_similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == label_similarity(b, a)
    assert label_similarity(a, a) == 1.0
    assert normalize_label(normalize_label(a)) == normalize_label(a)
