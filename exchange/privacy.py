"""Personal data in a model, found before it is published.

Shared process models must name offices and roles, never people: e-mail addresses of persons,
phone numbers, and lanes, pools or documentation that name a person ("Frau Müller",
"Hans Schmidt") are refused by `procex publish` unless the publisher says otherwise.
Functional mailboxes (gewerbe@, poststelle@, info@ ...) are not personal.
"""
import re
from dataclasses import dataclass

from bpmn.rules.person_named_lane import person_in
from bpmn.xml import BPMN_NS, local_name

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# German and international phone numbers: +49 261 129-0, (0651) 718-0, 0261/1291234 ...
PHONE = re.compile(r"(?<![\w/.-])(?:\+\d{2}[\s/-]?|\(0\d{2,5}\)\s?|0\d{2,5}[\s/-])\d[\d\s/-]{4,}\d(?![\w.])")
FUNCTIONAL_MAILBOX = re.compile(r"^(?:info|post|poststelle|buergerbuero|bürgerbüro|service|kontakt|prozesse|"
                                r"[a-z]*amt|gewerbe|ordnung|bauamt|steuer|kasse|it|verwaltung|[a-z-]+\.[a-z-]+amt|"
                                r"noreply|no-reply)[\w.-]*@", re.IGNORECASE)


@dataclass(frozen=True)
class PersonalData:
    element: str
    element_type: str
    what: str
    text: str

    def __str__(self):
        return f"{self.element_type} {self.element!r}: {self.what} ({self.text})"


def person_name(text):
    """The part of ``text`` that looks like a person's name, or None (the lint rule's heuristics)."""
    return person_in(text)


def find_personal_data(model):
    """Every place in the model that looks like personal data, in document order."""
    found = []
    for el in model.root.iter():
        if not isinstance(el.tag, str):
            continue
        kind = local_name(el.tag)
        owner = el.getparent() if kind in ("documentation", "text") else el
        texts = []
        if el.get("name"):
            texts.append(el.get("name"))
        if kind in ("documentation", "text") and el.tag.startswith("{%s}" % BPMN_NS):
            texts.append("".join(el.itertext()))
        for text in texts:
            for mail in EMAIL.findall(text):
                if not FUNCTIONAL_MAILBOX.match(mail):
                    found.append(PersonalData(owner.get("id") or "", local_name(owner.tag), "e-mail address", mail))
            for phone in PHONE.findall(text):
                if sum(c.isdigit() for c in phone) >= 6:
                    found.append(PersonalData(owner.get("id") or "", local_name(owner.tag), "phone number", phone.strip()))
            if kind in ("lane", "participant", "documentation", "text"):
                name = person_name(text)
                if name:
                    found.append(PersonalData(owner.get("id") or "", local_name(owner.tag), "a person's name", name))
    return found
