"""Server settings: one object built from `procex serve` options or from PROCEX_* variables.

uvicorn starts each worker process by importing the app factory, so the options travel to the
workers through the environment (PROCEX_DB, PROCEX_POLICY, PROCEX_MAX_UPLOAD_MIB,
PROCEX_OPERATOR_CONTACT, PROCEX_COMPARE_SLOTS, PROCEX_COMPARE_WAIT).
"""

import os
from dataclasses import dataclass

from procex.core.errors import ProcexError

POLICIES = ("reciprocal", "members", "public")
DEFAULT_MAX_UPLOAD_MIB = 32
MAX_CONTACT_CHARS = 300


class SettingsError(ProcexError):
    """A server option has a value the server cannot use."""


@dataclass(frozen=True)
class Settings:
    db: str = "procex-library.sqlite"
    policy: str = "reciprocal"
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MIB * 1024 * 1024
    # Whom members ask about the library (the sharing agreement, tokens): shown on the pages, e.g.
    # to a member that has not accepted the agreement yet. "" when the operator gave none.
    operator_contact: str = ""
    # Compare pages: diffs computed at once per server process, and how long (seconds) a request
    # waits for a free slot before it is answered 503 (web/compare_cost.py).
    compare_slots: int = 1
    compare_wait: float = 10.0

    def __post_init__(self):
        contact = self.operator_contact or ""
        if len(contact) > MAX_CONTACT_CHARS or any(ord(c) < 32 for c in contact):
            raise SettingsError(
                f"the operator contact must be one line of at most {MAX_CONTACT_CHARS} characters "
                "(--operator-contact), e.g. 'Zweckverband eGov, prozesse@egov.example'"
            )
        object.__setattr__(self, "operator_contact", contact.strip())
        if self.policy not in POLICIES:
            raise SettingsError(f"policy {self.policy!r} is unknown; use one of {', '.join(POLICIES)}")
        if self.max_upload_bytes <= 0:
            raise SettingsError("the upload limit must be positive (--max-upload MiB)")
        if self.compare_slots < 1 or not 0 <= self.compare_wait <= 600:
            raise SettingsError(
                "compare slots must be at least 1 (--compare-slots), the wait 0 to 600 s (--compare-wait)"
            )

    def to_env(self):
        return {
            "PROCEX_DB": self.db,
            "PROCEX_POLICY": self.policy,
            "PROCEX_MAX_UPLOAD_BYTES": str(self.max_upload_bytes),
            "PROCEX_OPERATOR_CONTACT": self.operator_contact,
            "PROCEX_COMPARE_SLOTS": str(self.compare_slots),
            "PROCEX_COMPARE_WAIT": str(self.compare_wait),
        }

    @classmethod
    def from_env(cls, environ=None):
        env = os.environ if environ is None else environ
        try:
            limit = int(env.get("PROCEX_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_MIB * 1024 * 1024))
        except ValueError:
            raise SettingsError("PROCEX_MAX_UPLOAD_BYTES must be a whole number of bytes") from None
        try:
            slots = int(env.get("PROCEX_COMPARE_SLOTS", cls.compare_slots))
            wait = float(env.get("PROCEX_COMPARE_WAIT", cls.compare_wait))
        except ValueError:
            raise SettingsError(
                "PROCEX_COMPARE_SLOTS must be a whole number and PROCEX_COMPARE_WAIT a number of seconds"
            ) from None
        return cls(
            db=env.get("PROCEX_DB", cls.db),
            policy=env.get("PROCEX_POLICY", cls.policy),
            max_upload_bytes=limit,
            operator_contact=env.get("PROCEX_OPERATOR_CONTACT", ""),
            compare_slots=slots,
            compare_wait=wait,
        )
