"""German label text: label_similarity per call and the LeiKa index (build and 150 searches).

The diff calls label_similarity about 250,000 times on a large model; `catalogue match-keys`
builds the LeiKa index once and searches it per catalogue row. Prints medians of 5 runs.
    python bench/text.py
"""

import statistics
import time

from procex.bpmn import text
from procex.bpmn.text import label_similarity
from procex.exchange.catalogue.leika import LeikaIndex, load_leika

WORDS = ["Antrag", "prüfen", "Bescheid", "erstellen", "Gebühr", "erheben", "Hundesteuer", "Anmeldung",
         "Unterlagen", "nachfordern", "Zahlung", "buchen"]  # fmt: skip
NAMES = ["Personalausweis beantragen", "Hund anmelden", "Gewerbe anmelden", "Wohnsitz ummelden", "Bauantrag stellen"]


def median_of(runs, work):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    pool = [f"{WORDS[i % 12]} {WORDS[(i * 7 + 3) % 12]} {i % 25}" for i in range(500)]
    pairs = [(a, b) for a in pool for b in pool[:100]]
    for a, b in pairs:
        label_similarity(a, b)  # warm the per-label caches, as a real matcher does
    seconds = median_of(5, lambda: [label_similarity(a, b) for a, b in pairs])
    print(f"label_similarity: {seconds / len(pairs) * 1e6:.2f} µs per call over {len(pairs):,} pairs (cached tokens)")

    services = list(load_leika().values())

    def build():
        text._tokens.cache_clear()  # an honest build: tokenise every name again
        return LeikaIndex(services)

    print(f"LeiKa index of {len(services):,} services: built in {median_of(5, build):.2f} s (median of 5)")
    index = build()
    queries = (NAMES * 30)[:150]
    print(f"150 searches: {median_of(5, lambda: [index.search(q) for q in queries]):.2f} s (median of 5)")


if __name__ == "__main__":
    main()
