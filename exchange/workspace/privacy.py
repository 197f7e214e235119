"""Personal data in a model and in its manifest's contact, found before it is published.

Shared process models must name offices and roles, never people: e-mail addresses of persons,
phone numbers, and lanes, pools or documentation that name a person ("Frau Müller",
"Hans Schmidt", "zuständig: K. Becker") are refused by `procex publish` unless the publisher says
otherwise. Functional mailboxes (gewerbe@, poststelle@, info@ ...) are not personal.

What is looked at:
- every ``name`` attribute, BPMN documentation and text annotation text (e-mail, phone; a
  person's name in lanes, pools, documentation and annotations);
- what modelling tools and engines keep beside the standard: attributes in a foreign namespace
  (``camunda:assignee="k.becker"``), every attribute of an element in a foreign namespace and the
  text of such elements (``<camunda:property value="…"/>``, ADONIS ``<boc:value>``): e-mail, phone,
  a person's name, and in user attributes (assignee, candidateUsers, owner, author, …) a login
  that names a person (``k.becker``, ``klaus.becker``); expressions (``${approver}``) and group
  references are not personal;
- the manifest's contact (``check_contact``): a mailbox like ``hans.meier@`` or ``h.meier@`` and an
  office naming a person.

Heuristics for names: a salutation or title before a name and a frequent first name before a
capitalised word (the lint rule person-named-lane's), and after a cue word (zuständig,
Ansprechpartner/in, Sachbearbeiter/in, bearbeitet von, Kontakt, verantwortlich, Rückfragen an, z. Hd.,
…) a first name or an initial with a surname, or two capitalised words that are neither office
words nor common nouns of administrative German.
"""

import re
from dataclasses import dataclass
from typing import Any

from lxml.etree import _Element

from procex.bpmn.model import Model
from procex.bpmn.rules.person_named_lane import FIRST_NAMES as LINT_FIRST_NAMES
from procex.bpmn.rules.person_named_lane import person_in
from procex.bpmn.xml import BPMN_NS, OMG_NAMESPACES, XML_NS, XSI_NS, local_name

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# German and international phone numbers: +49 261 129-0, (0651) 718-0, 0261/1291234 ...
PHONE = re.compile(r"(?<![\w/.-])(?:\+\d{2}[\s/-]?|\(0\d{2,5}\)\s?|0\d{2,5}[\s/-])\d[\d\s/-]{4,}\d(?![\w.])")
FUNCTIONAL_MAILBOX = re.compile(
    r"^(?:info|post|poststelle|buergerbuero|bürgerbüro|service|kontakt|prozesse|"
    r"[a-z]*amt|gewerbe|ordnung|bauamt|steuer|kasse|it|verwaltung|[a-z-]+\.[a-z-]+amt|"
    r"noreply|no-reply)[\w.-]*@",
    re.IGNORECASE,
)

# Common German first names beyond the lint rule's list, written for procex: names that also are
# ordinary German words (Ernst, Kai, Iris, Mark ...) are left out on purpose.
MORE_FIRST_NAMES = frozenset(
    """
achim adrian agnes albert alexandra alfred alina amelie andre andré angela anke annika antje anton
armin arne arnold artur astrid axel beate benedikt benjamin bernhard bettina bianca birte björn
britta bruno carina carla carolin caroline charlotte christoph claus cornelia dagmar david dennis
detlef diana dietmar dominik dorothea eberhard edith egon elena elfriede elias emil emilia erich
erik erika erwin eugen finn franziska friedrich fritz gerda gertrud greta gregor guido günter
günther gustav hanna hannah hannelore hannes harald hartmut heidi heiko heinrich helene helge
henning henrik herbert hermann hildegard holger horst hubert ilse ingo irene isabel jakob jannik
jasmin jennifer jessica jochen johann jonathan josef julian jutta karina karla karsten katja kevin
kilian klara konrad kurt lara lennart leonie linus lothar ludwig luisa lutz lydia magdalena maik
maike malte marcel mareike maren margarete margit marion marius marlene marta martha marvin
mathias maximilian mehmet merle mia miriam moritz nadja natalie nele nico nils norbert oskar otto
pascal paula reinhard rené richard rita roland rolf rosemarie rudolf rüdiger ruth sabrina samuel
siegfried silvia simon sophie steffen stephanie svenja sylvia tamara theresa thilo timo udo ulf
ulrich ulrike valentin vera verena viktor viktoria volker walter waltraud wiebke wilhelm willi
winfried
""".split()
)
FIRST_NAMES = LINT_FIRST_NAMES | MORE_FIRST_NAMES

_CAP = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?"
_SURNAME = rf"(?:(?:von|van|de|zu|vom|von der|van der|von dem)\s+)?{_CAP}"
# A cue word, then ":" / "-" / "ist" / "sind" (or, for a known first name or initial, just a space).
_CUE = (
    r"(?i:\b(?:\w*zuständig\w*|\w*verantwortlich\w*|ansprechpartner\w*|ansprechperson\w*|sachbearbeiter(?:in)?|"
    r"bearbeiter(?:in)?|bearbeitet\s+(?:von|durch)|kontakt(?:person)?|rückfragen\s+(?:an|bei)|"
    r"zu\s+händen(?:\s+von)?|z\.\s*hd\.?|vertreten\s+durch|vertretung|erstellt\s+von|geprüft\s+von|"
    r"freigegeben\s+(?:von|durch)|autor(?:in)?|leitung))"
)
_SALUTE = r"(?:(?:Herrn?|Frau|Hr\.|Fr\.|Dr\.|Prof\.)\s+)*"
_CUED = re.compile(
    rf"{_CUE}(?P<sep>\s*[:=–-]\s*|\s+(?i:ist|sind|war)\s*:?\s*|\s+){_SALUTE}"
    rf"(?P<first>{_CAP}|[A-ZÄÖÜ]\.)\s*(?P<last>{_SURNAME})(?!\w)(?!\.\w)"
)
_NAME_ENDS = re.compile(r"\s*(?:$|[.,;:!?)(/]|\s(?:und|oder|u\.|Tel|Telefon|Tel\.|Fax|Zimmer|Raum|E-Mail)\b)")
# Words that are no part of a person's name: office and organisation words, and (for a name
# that is not recognised by its first name) the common noun endings of administrative German.
_OFFICE_WORD = re.compile(
    r"(?i)(?:amt|ämter|aemter|stelle|stellen|behörde|büro|buero|verwaltung|abteilung|bereich|referat|dezernat|"
    r"team|gruppe|leitung|dienst|dienste|zentrum|zentrale|center|service|kasse|aufsicht|kreis|stadt|gemeinde|"
    r"portal|system|verfahren|register|modul|formular|antrag|anzeige|bescheid|postfach|sachgebiet|bürger|"
    r"buerger|kunde|kundin|person|meister|leiter|leiterin|sprecher|beauftragte|beauftragter|ministerium|"
    r"kammer|gericht|polizei|hotline|telefon|mail|rathaus|presse|datenschutz|wesen|recht)$"
)
_NOUN_END = re.compile(r"(?i)(?:ung|heit|keit|schaft|tion|sion|tät|ismus|land|rat)$")
_NOT_A_NAME = frozenset(
    """
untere unteren obere oberen oberste höhere städtische städtischen zentrale allgemeine kommunale
örtliche digitale online öffentliche technische jeweilige zuständige zuständiger die der das den dem
des ein eine einer unsere unser ihre ihr sein seine bitte siehe herr frau alle jede jeder keine
""".split()
)
_ABBREVIATIONS = frozenset({"str", "tel", "nr", "abs", "fax", "bzw", "ggf", "usw", "inkl", "zzgl"})
_PAIR = re.compile(rf"\b(?=({_CAP})\s+({_CAP})(?!\w)(?!\.\w))")


@dataclass(frozen=True)
class PersonalData:
    element: str
    element_type: str
    what: str
    text: str

    def __str__(self) -> str:
        return f"{self.element_type} {self.element!r}: {self.what} ({self.text})"


def _plain_word(word: str, strict: bool = True) -> bool:
    """A capitalised word that can be part of a person's name: not an office word, article or
    abbreviation, and (``strict``, for a name not recognised by its first name) no common noun."""
    folded = word.casefold()
    return not (
        folded in _NOT_A_NAME
        or folded in _ABBREVIATIONS
        or _OFFICE_WORD.search(folded)
        or (strict and _NOUN_END.search(folded))
    )


def _cued_name(text: str) -> str | None:
    for match in _CUED.finditer(text):
        first, last = match.group("first"), match.group("last")
        surname = last.split()[-1]
        if surname.casefold() in FIRST_NAMES:
            continue
        known = first.endswith(".") or first.split("-")[0].casefold() in FIRST_NAMES
        if known and _plain_word(surname, strict=False):
            return f"{first} {last}"
        # an unknown first name only after "cue:" / "cue ist" and ending the phrase
        if (
            not known
            and match.group("sep").strip()
            and _plain_word(first)
            and _plain_word(surname)
            and _NAME_ENDS.match(text, match.end())
        ):
            return f"{first} {last}"
    return None


def person_name(text: str) -> str | None:
    """The part of ``text`` that looks like a person's name, or None."""
    if not text:
        return None
    text = " ".join(text.split())
    found = person_in(text) or _cued_name(text)
    if found:
        return found
    for match in _PAIR.finditer(text):  # the lint rule's first-name pair, with the longer list
        first, last = match.group(1), match.group(2)
        if (
            first.split("-")[0].casefold() in FIRST_NAMES
            and last.casefold() not in FIRST_NAMES
            and _plain_word(last, strict=False)
        ):
            return f"{first} {last}"
    return None


_NOT_A_LOGIN = frozenset(
    {
        "info",
        "post",
        "poststelle",
        "kontakt",
        "prozesse",
        "it",
        "noreply",
        "no",
        "reply",
        "admin",
        "demo",
        "test",
        "system",
        "webmaster",
        "office",
        "mail",
    }
)
_FUNCTION_STEMS = (
    "amt",
    "stelle",
    "buero",
    "büro",
    "service",
    "verwaltung",
    "rathaus",
    "presse",
    "schutz",
    "steuer",
    "kasse",
    "gewerbe",
    "ordnung",
    "planung",
    "digital",
    "ozg",
    "egov",
    "team",
    "stadt",
    "gemeinde",
    "kreis",
    "buerger",
    "bürger",
    "referat",
    "abteilung",
    "sachgebiet",
    "government",
    "online",
    "support",
    "hilfe",
    "anfrage",
    "antrag",
)


def _functional(part: str) -> bool | re.Match[str] | None:
    return (
        part in _NOT_A_LOGIN
        or _OFFICE_WORD.search(part)
        or _NOUN_END.search(part)
        or any(stem in part for stem in _FUNCTION_STEMS)
    )


def _login_names_person(login: str) -> bool:
    """'k.becker', 'klaus.becker', 'becker_k', 'birte.janssen', 'klaus' (a first name alone) name a
    person; 'demo', 'gewerbe', 'ordnungsamt.gewerbe', 'it-service', 'amt32' do not."""
    parts = [p for p in re.split(r"[._-]", login.strip().casefold()) if p]
    if not parts or any(not p.isalpha() for p in parts) or any(p in _NOT_A_LOGIN for p in parts):
        return False
    if len(parts) == 1:
        return parts[0] in FIRST_NAMES
    if any(p in FIRST_NAMES for p in parts):
        return True
    if len(parts) == 2 and min(len(p) for p in parts) == 1:  # h.meier, meier.h
        return max(len(p) for p in parts) >= 2 and not any(_functional(p) for p in parts if len(p) > 1)
    return len(parts) == 2 and not any(_functional(p) for p in parts)  # firstname.lastname


def personal_mailbox(address: str) -> bool:
    """True when an e-mail address names a person (hans.meier@, h.meier@, hans@) rather than a
    function (gewerbe@, poststelle@, ordnungsamt.gewerbe@, digitalisierung@)."""
    if not address or "@" not in address or FUNCTIONAL_MAILBOX.match(address):
        return False
    return _login_names_person(address.split("@", 1)[0])


_USER_ATTRIBUTES = frozenset(
    {
        "assignee",
        "candidateusers",
        "owner",
        "author",
        "creator",
        "createdby",
        "modifiedby",
        "lastmodifiedby",
        "editor",
        "user",
        "userid",
        "username",
        "responsible",
    }
)
_OMG_AND_XML = OMG_NAMESPACES | {XSI_NS, XML_NS}


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _owner(el: _Element) -> _Element:
    """The nearest BPMN element with an id: whom a finding in an extension belongs to."""
    node = el
    while node is not None:
        if isinstance(node.tag, str) and _namespace(node.tag) == BPMN_NS and node.get("id"):
            return node
        node = node.getparent()
    return el


def _scan(text: str, owner: _Element, found: list[PersonalData | Any], names: bool = True, where: str = "") -> None:
    kind = local_name(owner.tag) + where
    for mail in EMAIL.findall(text):
        if not FUNCTIONAL_MAILBOX.match(mail):
            found.append(PersonalData(owner.get("id") or "", kind, "e-mail address", mail))
    for phone in PHONE.findall(text):
        if sum(c.isdigit() for c in phone) >= 6:
            found.append(PersonalData(owner.get("id") or "", kind, "phone number", phone.strip()))
    if names:
        name = person_name(text)
        if name:
            found.append(PersonalData(owner.get("id") or "", kind, "a person's name", name))


def _is_expression(value: str) -> bool:
    value = value.strip()
    return value.startswith(("${", "#{", "=")) or value.startswith("group(")


def _scan_extension(el: _Element, found: list[PersonalData | Any]) -> None:
    """Foreign-namespace attributes of ``el``, and all attributes and text of a foreign element."""
    foreign_element = _namespace(el.tag) not in _OMG_AND_XML
    for key, value in el.attrib.items():
        namespace = _namespace(key)
        if not value or (namespace in _OMG_AND_XML) or (not namespace and not foreign_element):
            continue
        owner = _owner(el)
        attribute = local_name(key)
        where = f" (extension {local_name(el.tag) + ' ' if foreign_element else ''}{attribute})"
        if attribute.casefold() in _USER_ATTRIBUTES:
            for login in value.split(","):
                if not _is_expression(login) and _login_names_person(login):
                    found.append(
                        PersonalData(owner.get("id") or "", local_name(owner.tag) + where, "a user name", login.strip())
                    )
        _scan(value, owner, found, where=where)
    if foreign_element and el.text and el.text.strip():
        owner = _owner(el)
        text = el.text.strip()
        where = f" (extension {local_name(el.tag)})"
        if local_name(el.tag).casefold() in _USER_ATTRIBUTES and not _is_expression(text):
            if _login_names_person(text):
                found.append(PersonalData(owner.get("id") or "", local_name(owner.tag) + where, "a user name", text))
        _scan(text, owner, found, where=where)


def find_personal_data(model: Model) -> list[PersonalData]:
    """Every place in the model that looks like personal data, in document order."""
    found: list[PersonalData] = []
    for el in model.root.iter():
        if not isinstance(el.tag, str):
            continue
        kind = local_name(el.tag)
        standard = _namespace(el.tag) == BPMN_NS
        if standard:
            owner = el.getparent() if kind in ("documentation", "text") else el
            if el.get("name"):
                _scan(el.get("name"), owner, found, names=kind in ("lane", "participant"))
            if kind in ("documentation", "text"):
                _scan("".join(el.itertext()), owner, found)
        _scan_extension(el, found)
    return found


def check_contact(
    contact: dict[str, str],
    office_source: str = "procex.toml [publish] office",
    mailbox_source: str = "procex.toml [publish] mailbox",
) -> list[PersonalData | Any]:
    """Personal data in a manifest's contact ({"office", "mailbox"}): a person's mailbox or name."""
    found = []
    mailbox = (contact or {}).get("mailbox") or ""
    office = (contact or {}).get("office") or ""
    if personal_mailbox(mailbox):
        found.append(PersonalData("mailbox", mailbox_source.rsplit(" ", 1)[0], "a person's e-mail address", mailbox))
    if office:
        name = person_name(office)
        if name:
            found.append(PersonalData("office", office_source.rsplit(" ", 1)[0], "a person's name", name))
        for phone in PHONE.findall(office):
            if sum(c.isdigit() for c in phone) >= 6:
                found.append(PersonalData("office", office_source.rsplit(" ", 1)[0], "phone number", phone.strip()))
    return found
