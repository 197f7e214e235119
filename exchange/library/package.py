"""Packages: the manifest of a published process version, its references, versions and digests.

A package is ``publisher/slug@version``: a manifest (JSON, schema in schemas/manifest.schema.json)
and the BPMN model it describes. The client, the workspace and the library server all build,
check and compare manifests through this module, so that all three agree on what is valid.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, NamedTuple

from procex.core.errors import ProcexError
from procex.exchange.library import text_rules

if TYPE_CHECKING:  # jsonschema is imported on first use: it costs start-up time
    from jsonschema.exceptions import ValidationError

# A manifest as JSON gives it (schemas/manifest.schema.json says what it holds).
Manifest = dict[str, Any]

SLUG_PATTERN = r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?"
VERSION_PATTERN = r"(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})"
SLUG_RE = re.compile(rf"^{SLUG_PATTERN}$")
VERSION_RE = re.compile(rf"^{VERSION_PATTERN}$")
REF_RE = re.compile(rf"^(?P<publisher>{SLUG_PATTERN})/(?P<slug>{SLUG_PATTERN})(?:@(?P<version>[^@/\s]+))?$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
# Fields the server sets; they do not take part in "is this the same package?".
SERVER_FIELDS = ("published_at", "yanked")


class PackageError(ProcexError):
    """A package reference, version or manifest is malformed."""


class ManifestError(PackageError):
    """A manifest does not follow schemas/manifest.schema.json; ``problems`` lists each issue."""

    def __init__(self, message: str, problems: Iterable[dict[str, str]] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class Ref(NamedTuple):
    """A package reference: publisher/slug, optionally @version."""

    publisher: str
    slug: str
    version: str | None = None

    def __str__(self) -> str:
        base = f"{self.publisher}/{self.slug}"
        return f"{base}@{self.version}" if self.version else base


def is_slug(text: str | None) -> bool:
    return isinstance(text, str) and bool(SLUG_RE.match(text))


def check_slug(text: str, what: str = "slug") -> str:
    """Return ``text`` when it is a valid slug, else raise PackageError saying what a slug is."""
    if not is_slug(text):
        raise PackageError(
            f"{what} {text!r} is not valid: use 1-64 lower-case letters, digits and hyphens "
            "(not at the start or end), e.g. 'trier' or 'gewerbeanmeldung'"
        )
    return text


def parse_version(text: str | None) -> tuple[int, int, int]:
    """'1.10.2' -> (1, 10, 2). Raises PackageError for anything but MAJOR.MINOR.PATCH."""
    match = VERSION_RE.match(text or "") if isinstance(text, str) else None
    if not match:
        raise PackageError(f"version {text!r} is not MAJOR.MINOR.PATCH (e.g. 1.0.0; no leading zeros, no suffix)")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def is_version(text: object) -> bool:
    return isinstance(text, str) and bool(VERSION_RE.match(text))


def version_key(text: str) -> tuple[int, int, int]:
    """Sort key for versions in semantic order (1.10.0 after 1.9.0)."""
    return parse_version(text)


def version_sort_text(text: str) -> str:
    """A string that sorts like the version (for ORDER BY in a database)."""
    return ".".join(f"{part:09d}" for part in parse_version(text))


def latest_version(versions: Iterable[str]) -> str | None:
    """The highest of ``versions`` in semantic order, or None for an empty list."""
    versions = list(versions)
    return max(versions, key=version_key) if versions else None


def parse_ref(text: str, require_version: bool = False) -> Ref:
    """Parse 'publisher/slug@version' (version optional unless ``require_version``) into a Ref."""
    match = REF_RE.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise PackageError(
            f"{text!r} is not a package reference; write publisher/slug@version, e.g. trier/gewerbeanmeldung@1.0.0"
        )
    version = match.group("version")
    if version is not None:
        parse_version(version)
    elif require_version:
        raise PackageError(f"{text!r} names no version; write {text}@MAJOR.MINOR.PATCH")
    return Ref(match.group("publisher"), match.group("slug"), version)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike[str], chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def manifest_schema() -> dict[str, Any]:
    """The manifest JSON Schema (schemas/manifest.schema.json) as a dict."""
    text = resources.files("procex.schemas").joinpath("manifest.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    schema = manifest_schema()
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def manifest_problems(
    manifest: Manifest,
) -> list[dict[str, str]]:
    """Every schema violation of ``manifest`` as {"path", "message"} dicts (empty when valid)."""
    if not isinstance(manifest, dict):
        return [{"path": "", "message": "the manifest must be a JSON object"}]
    problems = []
    for error in sorted(_validator().iter_errors(manifest), key=lambda e: list(map(str, e.absolute_path))):
        path = "/".join(str(part) for part in error.absolute_path)
        problems.append({"path": path, "message": _readable(error)})
    return problems


QUOTE_LIMIT = 200  # characters of a quoted value in an error message
MESSAGE_LIMIT = 500  # characters of one problem's message


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """repr(value), cut to ``limit`` characters with "…" and the full length: error messages quote
    what was sent, and a 3 MB list must not come back in a 422."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def _readable(error: ValidationError) -> str:
    # jsonschema's messages quote the whole value (and regex messages the whole pattern); say what
    # the field needs instead, and quote at most QUOTE_LIMIT characters of what was sent.
    field = error.absolute_path[-1] if error.absolute_path else ""
    hints = {
        "leistungsschluessel": "a Leistungsschlüssel has exactly 14 digits, e.g. 99050012104000",
        "ags": "an AGS has exactly 8 digits, e.g. 07211000",
        "sha256": "a sha256 is 64 lower-case hex digits",
        "version": "a version is MAJOR.MINOR.PATCH, e.g. 1.0.0",
        "publisher": "a slug has 1-64 lower-case letters, digits and hyphens",
        "slug": "a slug has 1-64 lower-case letters, digits and hyphens",
        "mailbox": "a mailbox is a plain e-mail address (letters, digits, . _ + - before the @; "
        "no scheme, spaces, slashes or colons), e.g. gewerbe@trier.de",
        "ref": "a reference is publisher/slug@MAJOR.MINOR.PATCH",
        "file": "a file name has letters, digits, space and . , _ - + ( ), starts with a letter or "
        "digit, ends in .bpmn, .bpmn2 or .xml, and has no directories, no '..' and no control or "
        "direction-changing characters, e.g. gewerbeanmeldung.bpmn",
    }
    instance, limit = error.instance, error.validator_value
    if error.validator == "enum" and field == "license":
        return f"{quoted(instance)} is not an accepted licence for shared process models; use one of " + ", ".join(
            limit
        )
    if error.validator == "pattern" and error.validator_value == text_rules.PATTERN:
        return f"{quoted(instance)} {text_rules.text_problem(instance)}"
    if error.validator == "pattern":
        key = field if isinstance(field, str) else error.absolute_path[-2] if len(error.absolute_path) > 1 else ""
        hint = hints.get(key)
        if hint:
            return f"{quoted(instance)} is not valid: {hint}"
        return f"{quoted(instance)} does not have the required form"
    if error.validator == "maxItems" and isinstance(instance, list):
        return f"the list has {len(instance):,} entries; at most {limit} are allowed"
    if error.validator == "maxLength" and isinstance(instance, str):
        return f"{quoted(instance)} has {len(instance):,} characters; at most {limit} are allowed"
    if error.validator == "uniqueItems" and isinstance(instance, list):
        seen = set()
        for item in instance:
            try:
                if item in seen:
                    return f"{quoted(item)} is listed more than once; list each entry once"
                seen.add(item)
            except TypeError:  # unhashable entries (the type check reports them too)
                break
        return f"{quoted(instance)} lists an entry more than once; list each entry once"
    message = str(error.message)
    if len(message) > MESSAGE_LIMIT:
        message = message.replace(repr(instance), quoted(instance))
    if len(message) > MESSAGE_LIMIT:
        message = message[:MESSAGE_LIMIT] + "…"
    return message


def text_limit(field: str) -> int:
    """The most characters the manifest schema allows for the top-level text ``field``."""
    return int(manifest_schema()["properties"][field]["maxLength"])


def shorten(text: str, limit: int) -> str:
    """``text`` when it has at most ``limit`` characters, else cut at the last word boundary before
    the limit (or at the limit, when that would drop more than half) and ended with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    boundary = re.search(r"\s\S*$", cut)
    if boundary and boundary.start() > limit // 2:
        cut = cut[: boundary.start()]
    return cut.rstrip(" \t\n,;:-–") + "…"


def validate_manifest(manifest: Manifest, source: str = "manifest") -> Manifest:
    """Raise ManifestError listing every problem when ``manifest`` does not follow the schema."""
    problems = manifest_problems(manifest)
    if problems:
        first = problems[0]
        where = f" at {first['path']}" if first["path"] else ""
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ManifestError(f"{source}: invalid manifest{where}: {first['message']}{more}", problems)
    return manifest


def utc_now() -> str:
    """Current UTC time as ISO 8601 with seconds and 'Z' (the published_at format)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_manifest(
    *,
    publisher: str,
    slug: str,
    version: str,
    name: str,
    model_bytes: bytes,
    model_file: str,
    region: Mapping[str, str | None],
    contact: Mapping[str, str | None],
    license: str,
    leistungsschluessel: Iterable[str] = (),
    description: str | None = "",
    keywords: Iterable[str] = (),
    detaillierungsstufe: int | str | None = None,
    status: int | str | None = None,
    legal_basis: Iterable[str] = (),
    derived_from: Mapping[str, str | None] | None = None,
    published_at: str | None = None,
) -> Manifest:
    """Build and validate a manifest for ``model_bytes``; model size and sha256 are computed here.

    ``region`` is {"ags", "name"}, ``contact`` {"office", "mailbox"}; ``derived_from`` is
    {"ref": "publisher/slug@version", "sha256": ...} or None.
    """
    manifest: Manifest = {
        "publisher": publisher,
        "slug": slug,
        "version": version,
        "name": name,
        "leistungsschluessel": list(leistungsschluessel),
        "description": description or "",
        "keywords": list(keywords),
        "region": dict(region),
        "contact": dict(contact),
        "license": license,
        "legal_basis": list(legal_basis),
        "model": {"file": model_file, "size": len(model_bytes), "sha256": sha256_bytes(model_bytes)},
    }
    if detaillierungsstufe is not None:
        manifest["detaillierungsstufe"] = int(detaillierungsstufe)
    if status is not None:
        manifest["status"] = int(status)
    if derived_from:
        manifest["derived_from"] = dict(derived_from)
    if published_at:
        manifest["published_at"] = published_at
    return validate_manifest(manifest)


def publisher_fields(
    manifest: Manifest,
) -> Manifest:
    """The manifest without the server-set fields: what "the same package" compares."""
    return {key: value for key, value in manifest.items() if key not in SERVER_FIELDS}


def differing_fields(
    a: Manifest,
    b: Manifest,
) -> list[str]:
    """Top-level publisher fields whose values differ between two manifests, sorted."""
    a, b = publisher_fields(a), publisher_fields(b)
    return sorted(key for key in set(a) | set(b) if _normal(a.get(key)) != _normal(b.get(key)))


def _normal(
    value: Any,
) -> Any:
    # description "" and an absent description, or [] and absent lists, mean the same.
    return None if value in ("", [], {}) else value


def manifest_bytes(manifest: Manifest) -> bytes:
    """The manifest as stable JSON bytes (sorted keys, UTF-8, trailing newline)."""
    return (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def ref_of(manifest: Manifest) -> Ref:
    return Ref(manifest["publisher"], manifest["slug"], manifest["version"])
