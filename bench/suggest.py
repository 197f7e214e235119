"""procex suggest at scale: 148 waiting catalogue entries against a library of 100,000 processes.

Target (issue 8): suggest runs in under 2 s once the index is built; the index build time is
printed too. The library is generated (seeded) from the shipped LeiKa list the way a shared
library fills up: popular services published by many municipalities, under the names
municipalities give them ("Gewerbeanmeldung", "Gewerbe anmelden", "Antrag auf ..."), most with
the right Leistungsschlüssel, some with none or only the object's key; 400 publishers. The
catalogue mixes keyed entries and free-text titles. Each timed suggest run starts with the
label-similarity cache cleared, as a fresh `procex suggest` process does.
"""

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from procex.bpmn import text as btext
from procex.exchange.catalogue.entries import CatalogueEntry
from procex.exchange.catalogue.leika import load_leika
from procex.exchange.catalogue.suggest import LibraryIndex, coverage_sentence, suggest

LIBRARY_SIZE = 100_000
CATALOGUE_SIZE = 148
BUILD_ROUNDS = 3
SUGGEST_ROUNDS = 5
TARGET_SECONDS = 2.0

CITIES = """trier koblenz mainz ludwigshafen kaiserslautern worms neuwied speyer frankenthal bingen
andernach idar-oberstein bad-kreuznach pirmasens zweibruecken landau neustadt ingelheim lahnstein
bonn koeln duesseldorf aachen muenster bielefeld dortmund essen wuppertal siegen paderborn hamm
saarbruecken homburg voelklingen wiesbaden darmstadt kassel giessen marburg fulda offenbach hanau
frankfurt stuttgart karlsruhe mannheim heidelberg freiburg ulm pforzheim reutlingen konstanz
muenchen nuernberg augsburg regensburg wuerzburg ingolstadt bamberg bayreuth erlangen passau
hannover braunschweig osnabrueck oldenburg goettingen wolfsburg hildesheim bremen hamburg kiel
luebeck rostock schwerin magdeburg halle dessau erfurt jena gera weimar dresden leipzig chemnitz
zwickau potsdam cottbus berlin""".split()
VERBS = {
    "Anmeldung": "anmelden",
    "Abmeldung": "abmelden",
    "Ummeldung": "ummelden",
    "Ausstellung": "beantragen",
    "Erteilung": "beantragen",
    "Genehmigung": "beantragen",
    "Erlaubnis": "beantragen",
    "Verlängerung": "verlängern",
    "Änderung": "ändern",
}


def publishers(rng):
    names = [c for c in CITIES]
    names += [f"kreis-{c}" for c in rng.sample(CITIES, 60)]
    names += [f"vg-{c}-land" for c in rng.sample(CITIES, 60)]
    names += [f"gemeinde-{n:03d}" for n in range(400 - len(names))]
    return names[:400]


def variant(name, city, rng):
    """A municipality's name for a LeiKa service."""
    words = name.split()
    roll = rng.random()
    if roll < 0.35 or len(words) < 2:
        return name
    if roll < 0.6 and len(words) == 2:
        return words[0] + words[1].lower()  # Gewerbe Anmeldung -> Gewerbeanmeldung
    if roll < 0.75 and words[-1] in VERBS:
        return " ".join(words[:-1]) + " " + VERBS[words[-1]]  # -> Gewerbe anmelden
    if roll < 0.85:
        return f"Antrag auf {name}"
    if roll < 0.93:
        return f"{name} (online)"
    return f"{name} – Stadt {city.replace('-', ' ').title()}"


def library(services, rng, size=LIBRARY_SIZE):
    cities = publishers(rng)
    popular = services[:]
    rng.shuffle(popular)
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(popular))]  # a few services everywhere
    chosen = rng.choices(popular, weights, k=size)
    items, slugs = [], set()
    for n, service in enumerate(chosen):
        city = rng.choice(cities)
        name = variant(service.name, city, rng)
        slug = f"{btext.compact_label(service.name)[:50]}-{n}"
        roll = rng.random()
        if roll < 0.80:
            keys = [service.leistungsschluessel]
        elif roll < 0.88:
            keys = []
        elif roll < 0.95:
            keys = [service.object_key + "000000"]
        else:
            keys = [service.leistungsschluessel, rng.choice(services).leistungsschluessel]
        version = f"{rng.randint(1, 3)}.{rng.randint(0, 5)}.{rng.randint(0, 9)}"
        items.append(
            {
                "publisher": city,
                "slug": slug,
                "latest": version,
                "ref": f"{city}/{slug}@{version}",
                "name": name,
                "leistungsschluessel": list(dict.fromkeys(keys)),
                "keywords": [w for w in service.lebenslage.split(" & ") if w][:2],
                "description": "",
                "adoptions": int(rng.expovariate(0.5)),
                "validation": {"errors": 0, "warnings": rng.choice((0, 0, 1, 2, 5))},
            }
        )
        slugs.add(slug)
    return items, popular


def catalogue(popular, rng):
    """148 waiting services: mostly common ones, some rare; a fifth known only by a free-text title."""
    picks = rng.sample(popular[:600], 110) + rng.sample(popular[600:], CATALOGUE_SIZE - 110)
    entries = []
    for service in picks:
        status = rng.choice(("planned", "planned", "in_progress"))
        if rng.random() < 0.2:
            entries.append(CatalogueEntry("", variant(service.name, "koblenz", rng), status, "Bürgeramt"))
        else:
            entries.append(CatalogueEntry(service.leistungsschluessel, service.name, status, "Bürgeramt"))
    return entries


def main():
    rng = random.Random(8)
    leika = load_leika()
    services = list(leika.values())
    items, popular = library(services, rng)
    entries = catalogue(popular, rng)
    print(
        f"library: {len(items):,} processes, {len({i['publisher'] for i in items})} publishers, "
        f"{len({btext.normalize_label(i['name']) for i in items}):,} distinct names; "
        f"catalogue: {len(entries)} waiting entries"
    )

    builds = []
    for _ in range(BUILD_ROUNDS):
        btext._tokens.cache_clear()
        btext._profile.cache_clear()
        start = time.perf_counter()
        index = LibraryIndex(items, own_publisher="koblenz")
        builds.append(time.perf_counter() - start)
    runs = []
    for _ in range(SUGGEST_ROUNDS):
        btext._profile.cache_clear()
        start = time.perf_counter()
        result = suggest(entries, index, None, limit=5, leika=leika)
        runs.append(time.perf_counter() - start)
    build, run = statistics.median(builds), statistics.median(runs)
    print(f"index build: median {build:.2f} s of {BUILD_ROUNDS} (min {min(builds):.2f} s)")
    print(
        f"suggest:     median {run:.2f} s of {SUGGEST_ROUNDS} (min {min(runs):.2f}, max {max(runs):.2f} s), "
        f"{run / len(entries) * 1000:.1f} ms per entry"
    )
    print(coverage_sentence(result.coverage, "en"))
    print(
        f"target: suggest < {TARGET_SECONDS:.0f} s after the index is built: "
        f"{'OK' if run < TARGET_SECONDS else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
