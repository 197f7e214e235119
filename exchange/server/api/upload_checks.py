"""What a package upload passes before the library stores it: the manifest (JSON, the manifest
schema, the URL it goes to, the member's region, derived_from), the model's sha256 and size, and
the model's schema and reference checks. Then it is stored, or compared with the stored version.
"""

from procex.exchange.library import error_codes, package
from procex.exchange.server import auth, checks
from procex.exchange.server.api.bodies import parse_json, too_deep
from procex.exchange.server.api.context import Context
from procex.exchange.server.errors import ApiError

MANIFEST_LIMIT = 1024 * 1024  # bytes; the largest valid manifest is some 300 KB even with every character \u-escaped
MANIFEST_DEPTH = 8  # a valid manifest nests 3 levels (root, derived_from, ref)
MAX_DETAILS = 50  # problems listed in one 422


def check_and_store(ctx: Context, member: dict, publisher, slug, version, manifest_data: bytes, model_data: bytes):
    """Check an upload by ``member`` and store it: returns store.publish()'s (outcome, manifest, differences)."""
    store = ctx.store
    manifest = _manifest(manifest_data)
    named = (manifest["publisher"], manifest["slug"], manifest["version"])
    if named != (publisher, slug, version):
        raise ApiError(
            422,
            error_codes.MANIFEST_MISMATCH,
            f"the manifest names {named[0]}/{named[1]}@{named[2]} but the upload goes to "
            f"{publisher}/{slug}@{version}; they must agree",
        )
    _check_region(member, manifest)
    digest = package.sha256_bytes(model_data)
    if digest != manifest["model"]["sha256"] or len(model_data) != manifest["model"]["size"]:
        raise ApiError(
            422,
            error_codes.SHA256_MISMATCH,
            f"the model received ({len(model_data)} bytes, sha256 {digest}) is not the one the "
            f"manifest describes ({manifest['model']['size']} bytes, sha256 "
            f"{manifest['model']['sha256']}); the upload was damaged or the manifest is stale",
            [{"received_sha256": digest, "manifest_sha256": manifest["model"]["sha256"]}],
        )
    existing = store.find_version(publisher, slug, version)
    if existing is not None:  # immutable: compare without validating again
        return store._compare(existing, manifest)
    _check_derived_from(ctx, member, manifest)
    source = f"{publisher}/{slug}@{version}:{manifest['model']['file']}"
    findings, validation = checks.review_model(model_data, source)
    errors = [finding for finding in findings if finding.severity == "error"]
    if errors:
        raise ApiError(
            422,
            error_codes.INVALID_MODEL,
            f"the model has {len(errors)} error(s) and was refused; first: {_finding_text(errors[0])}",
            [checks.finding_dict(finding) for finding in findings],
        )
    labels = checks.task_labels(model_data, source)
    return store.publish(manifest, model_data, labels, validation)


def _manifest(data: bytes) -> dict:
    """The manifest part parsed and checked against the manifest schema, or a 413/422."""
    if len(data) > MANIFEST_LIMIT:
        raise ApiError(
            413,
            error_codes.TOO_LARGE,
            f"the manifest part has {len(data):,} bytes; a manifest has at most "
            f"{MANIFEST_LIMIT // 1024} KiB (the model goes in the 'model' part)",
            [{"limit_bytes": MANIFEST_LIMIT}],
        )
    try:
        manifest = parse_json(data.decode("utf-8"))
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError included
        raise ApiError(422, error_codes.INVALID_MANIFEST, f"the manifest is not JSON: {error}") from None
    if too_deep(manifest, MANIFEST_DEPTH):
        raise ApiError(
            422,
            error_codes.INVALID_MANIFEST,
            f"the manifest nests lists and objects more than {MANIFEST_DEPTH} levels deep; a "
            "manifest follows schemas/manifest.schema.json (3 levels)",
        )
    problems = package.manifest_problems(manifest)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ApiError(
            422,
            error_codes.INVALID_MANIFEST,
            f"the manifest does not follow the manifest schema: {first['path'] or '/'}: {first['message']}{more}",
            problems[:MAX_DETAILS],
        )
    return manifest


def _finding_text(finding):
    where = f"line {finding.line}: " if finding.line else ""
    return f"{where}{finding.message}"


def _check_region(member, manifest):
    """The manifest's region must be the publishing member's own: its AGS as the library recorded
    it (procex admin member add --ags). Nobody publishes in another municipality's name."""
    registered = member.get("ags") or ""
    region = manifest["region"]
    if not (len(registered) == 8 and registered.isdigit()):
        # procex never records a member without an 8-digit AGS (NOT NULL, checked by member add);
        # a row edited by hand could lack one, and then nothing can be checked: refuse.
        raise ApiError(
            403,
            error_codes.MEMBER_WITHOUT_AGS,
            f"member {member['slug']!r} has no valid AGS recorded in this library, so the "
            f"region of its manifests (AGS {region['ags']}) cannot be checked; ask the "
            "library's administrator to record the member's 8-digit AGS",
        )
    if region["ags"] != registered:
        raise ApiError(
            422,
            error_codes.REGION_MISMATCH,
            f"the manifest's region names AGS {region['ags']} ({package.quoted(region['name'], 80)}), "
            f"but member {member['slug']!r} is registered as {package.quoted(member['name'], 80)} "
            f"with AGS {registered}; a member publishes only for its own area: set region.ags "
            f"to {registered} (in a workspace: ags under [municipality] in procex.toml)",
            [{"manifest_ags": region["ags"], "member_ags": registered}],
        )


def _check_derived_from(ctx: Context, member, manifest):
    derived = manifest.get("derived_from")
    if not derived:
        return
    ref = package.parse_ref(derived["ref"], require_version=True)
    # Only what the publisher may read can be named, and that before anything is looked up:
    # otherwise the answers would tell a member without the sharing agreement which versions
    # exist and, by trial, their models' sha256.
    auth.check_read(ctx.policy, member, ref.publisher)
    row = ctx.store.find_version(ref.publisher, ref.slug, ref.version)
    if row is None:
        raise ApiError(
            422, error_codes.UNKNOWN_DERIVED_FROM, f"derived_from names {ref}, which this library does not have"
        )
    if row.model_sha256 != derived["sha256"]:
        raise ApiError(
            422,
            error_codes.DERIVED_FROM_MISMATCH,
            f"derived_from gives sha256 {derived['sha256']} for {ref}, which does not match that "
            "version's model; name the sha256 of the model you adapted (procex.lock records it)",
        )
