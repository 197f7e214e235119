"""The licences a shared process model may carry, and the check of a licence id.

A process model is shared so that other municipalities adapt it, so only open licences that
allow changes make sense: the two of the Datenlizenz Deutschland that GovData recommends for
public-sector data, the Creative Commons licences that allow adaptations, and the EUPL. The ids
are written as GovData (dl-de/...) and SPDX (CC-..., EUPL-...) write them; SPDX's spelling of the
Datenlizenz (DL-DE-BY-2.0, DL-DE-ZERO-2.0) and any other capitalisation is accepted and
written in the canonical form.

The same check serves `procex admin member agree --license` (the sharing agreement), the
server's seeding, and `[publish] license` in a workspace's procex.toml.
"""

from procex.core.errors import ProcexError

# canonical id -> what it is (for the error message and the README)
LICENSES = {
    "dl-de/by-2-0": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
    "dl-de/zero-2-0": "Datenlizenz Deutschland – Zero – Version 2.0",
    "CC-BY-4.0": "Creative Commons Namensnennung 4.0 International",
    "CC-BY-SA-4.0": "Creative Commons Namensnennung – Weitergabe unter gleichen Bedingungen 4.0 International",
    "CC0-1.0": "Creative Commons Zero 1.0 Universal",
    "EUPL-1.2": "European Union Public Licence 1.2",
}
# other spellings of the same licences (SPDX ids of the Datenlizenz Deutschland)
_ALIASES = {"dl-de-by-2.0": "dl-de/by-2-0", "dl-de-zero-2.0": "dl-de/zero-2-0"}
_BY_FOLDED = {key.casefold(): key for key in LICENSES} | {k.casefold(): v for k, v in _ALIASES.items()}


class LicenseError(ProcexError):
    """A licence id outside the accepted list; the message lists the accepted ids."""


def accepted() -> str:
    return ", ".join(LICENSES)


def check_license(value: object, where: str = "licence") -> str:
    """The canonical id of ``value``, or LicenseError naming ``where`` and the accepted ids."""
    text = (value or "").strip() if isinstance(value, str) else ""
    canonical = _BY_FOLDED.get(text.casefold()) if text else None
    if canonical is None:
        shown = repr(value) if text else "no licence"
        raise LicenseError(
            f"{where}: {shown} is not an accepted licence for shared process models; use one of {accepted()}"
        )
    return canonical
