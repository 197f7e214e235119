"""Which catalogue entry an import links, and when it adds one (issue: import without a ready catalogue)."""

import pytest

from procex.exchange.catalogue.entries import CatalogueEntry
from procex.exchange.workspace.importing import ImportRefused, choose_entry

GEWERBE = "99050012104000"
HUND = "99106004000000"


def manifest(name="Gewerbeanmeldung", keys=(GEWERBE,)):
    return {"name": name, "leistungsschluessel": list(keys)}


def added(key):
    return CatalogueEntry(key, f"LeiKa {key}", "in_progress", "Ordnungsamt")


def test_empty_catalogue_adds_the_manifest_key():
    choice = choose_entry([], manifest(), new_entry=added)
    assert choice.added
    assert (choice.entry.leistungsschluessel, choice.entry.title, choice.entry.status) == (
        GEWERBE,
        f"LeiKa {GEWERBE}",
        "in_progress",
    )


def test_catalogue_without_the_key_and_without_a_close_title_adds_the_key():
    entries = [CatalogueEntry(HUND, "Hundesteuer Anmeldung"), CatalogueEntry("99001001000000", "Personalausweis")]
    choice = choose_entry(entries, manifest(), new_entry=added)
    assert choice.added and choice.entry.leistungsschluessel == GEWERBE


def test_entry_with_the_key_is_linked_not_added():
    entries = [CatalogueEntry(HUND, "Hundesteuer"), CatalogueEntry(GEWERBE, "Gewerbe anmelden")]
    choice = choose_entry(entries, manifest(), new_entry=added)
    assert not choice.added and choice.entry is entries[1]


def test_clear_title_match_without_key_is_linked():
    entries = [CatalogueEntry("", "Gewerbeanmeldung"), CatalogueEntry(HUND, "Hundesteuer")]
    choice = choose_entry(entries, manifest(), new_entry=added)
    assert not choice.added and choice.entry is entries[0]


def test_several_keys_ask_on_a_terminal_and_refuse_without_one():
    keys = (GEWERBE, "99050012104001")
    asked = []
    choice = choose_entry([], manifest(keys=keys), ask_key=lambda ks: asked.append(ks) or ks[1], new_entry=added)
    assert asked == [list(keys)]
    assert choice.added and choice.entry.leistungsschluessel == "99050012104001"
    with pytest.raises(ImportRefused, match="--entry") as refused:
        choose_entry([], manifest(keys=keys), new_entry=added)
    assert GEWERBE in str(refused.value) and "99050012104001" in str(refused.value)


def test_entry_option_adds_any_well_formed_key_and_refuses_a_malformed_one():
    choice = choose_entry([CatalogueEntry(HUND, "Hundesteuer")], manifest(), "99999999999999", new_entry=added)
    assert choice.added and choice.entry.leistungsschluessel == "99999999999999"
    with pytest.raises(ImportRefused, match="not a Leistungsschlüssel"):
        choose_entry([], manifest(), "9905", new_entry=added)


def test_entry_option_links_an_existing_entry():
    entries = [CatalogueEntry(HUND, "Hundesteuer")]
    choice = choose_entry(entries, manifest(), HUND, new_entry=added)
    assert not choice.added and choice.entry is entries[0]


def test_ambiguous_close_titles_still_ask_and_refuse_without_a_terminal():
    entries = [CatalogueEntry("", "Gewerbeanmeldung Reisegewerbe"), CatalogueEntry("", "Gewerbeanmeldung stehend")]
    with pytest.raises(ImportRefused, match="--entry"):
        choose_entry(entries, manifest(keys=()), new_entry=added)
    choice = choose_entry(entries, manifest(keys=()), ask=lambda candidates: candidates[1][1], new_entry=added)
    assert not choice.added and choice.entry is entries[1]


def test_answering_none_of_the_close_titles_adds_the_key():
    entries = [CatalogueEntry("", "Gewerbeanmeldung Reisegewerbe"), CatalogueEntry("", "Gewerbeanmeldung stehend")]
    choice = choose_entry(entries, manifest(), ask=lambda candidates: None, new_entry=added)
    assert choice.added and choice.entry.leistungsschluessel == GEWERBE
