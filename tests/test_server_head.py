"""HEAD on the library's GET resources, over HTTP against a real server: the status and headers
of GET (ETag, Content-Length, Content-Type, ...), no body, conditional HEAD answering 304, the
access rules of GET; and an OpenAPI document that still lists GET operations only.
"""

import http.client
from urllib.parse import urlsplit

from tests.libserver import tiny_model

SAME_HEADERS = (
    "ETag",
    "Content-Length",
    "Content-Type",
    "Content-Disposition",
    "Cache-Control",
    "X-Procex-Count",
    "X-Procex-Yanked",
)


def same_as_get(lib, path, member=None, **kwargs):
    """HEAD and GET of ``path``: the same status and headers; HEAD has no body."""
    get = lib.get(path, member, **kwargs)
    head = lib.session.head(
        lib.api + path,
        headers=dict(kwargs.pop("headers", {}), **(member.headers if member else {})),
        timeout=60,
        **kwargs,
    )
    assert head.status_code == get.status_code, (path, head.status_code, get.status_code)
    for name in SAME_HEADERS:
        assert head.headers.get(name) == get.headers.get(name), (path, name)
    assert head.content == b""
    return head, get


def raw_exchange(lib, requests_):
    """Send ``requests_`` [(method, path, headers)] one after another on one kept-alive connection
    and return [(status, headers, body)]: a HEAD answer with a body would garble what follows."""
    parts = urlsplit(lib.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    answers = []
    try:
        for method, path, headers in requests_:
            conn.request(method, path, headers=headers)
            response = conn.getresponse()
            answers.append((response.status, dict(response.getheaders()), response.read()))
    finally:
        conn.close()
    return answers


def test_head_on_the_model_download(servers):
    lib = servers()
    trier = lib.member()
    model = tiny_model()
    response, _manifest, _model = lib.publish(trier, model=model)
    assert response.status_code == 201
    path = f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/model"
    head, get = same_as_get(lib, path, trier)
    assert head.status_code == 200 and get.content == model
    assert head.headers["Content-Length"] == str(len(model))
    assert head.headers["ETag"] == f'"{response.json()["model"]["sha256"]}"'
    assert head.headers["Content-Type"].startswith("application/xml")
    # Conditional HEAD: 304 as for GET.
    current, _ = same_as_get(lib, path, trier, headers={"If-None-Match": head.headers["ETag"]})
    assert current.status_code == 304
    # On the wire: HEAD then GET on one connection; the HEAD sent no body.
    auth = trier.headers
    (s1, h1, b1), (s2, h2, b2), (s3, _h3, b3) = raw_exchange(
        lib,
        [
            ("HEAD", lib.api.removeprefix(lib.url) + path, auth),
            ("GET", lib.api.removeprefix(lib.url) + path, auth),
            ("HEAD", "/api/v1/health", {}),
        ],
    )
    assert (s1, b1) == (200, b"") and (s2, b2) == (200, model) and (s3, b3) == (200, b"")
    assert h1["content-length"] == h2["content-length"] == str(len(model))
    assert h1["etag"] == h2["etag"]


def test_head_on_the_other_get_resources(servers):
    lib = servers()
    trier = lib.member()
    koblenz = lib.member()
    assert lib.publish(trier)[0].status_code == 201
    base = f"/processes/{trier.slug}/gewerbeanmeldung"
    assert lib.post(f"{base}/1.0.0/adoptions", koblenz).status_code == 201
    for path in (
        "/health",
        "/me",
        "/processes?q=Gewerbe",
        f"{base}",
        f"{base}/1.0.0",
        f"{base}/latest",
        f"{base}/adoptions",
        "/index",
    ):
        head, _get = same_as_get(lib, path, koblenz)
        assert head.status_code == 200, path
    manifest, _ = same_as_get(lib, f"{base}/1.0.0", koblenz)
    assert manifest.headers["Content-Type"] == "application/json"
    assert int(manifest.headers["Content-Length"]) > 0
    listing, _ = same_as_get(lib, "/index", koblenz)
    assert listing.headers["ETag"] and listing.headers["X-Procex-Count"] == str(
        len(lib.get("/index", koblenz).text.splitlines()) - 1
    )


def test_head_follows_the_access_rules_and_errors_of_get(servers):
    lib = servers()
    trier = lib.member()
    newcomer = lib.member(agreed=False)
    assert lib.publish(trier)[0].status_code == 201
    model = f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/model"
    assert same_as_get(lib, model)[0].status_code == 401
    assert same_as_get(lib, model, newcomer)[0].status_code == 403
    assert same_as_get(lib, f"/processes/{trier.slug}/gewerbeanmeldung/9.9.9/model", trier)[0].status_code == 404
    # Where GET is not allowed, HEAD is not either (405, as before).
    head = lib.session.head(
        lib.api + f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/yank", headers=trier.headers, timeout=60
    )
    assert head.status_code == 405 and head.content == b""


def test_head_on_the_web_downloads(servers):
    lib = servers("public")
    trier = lib.member()
    model = tiny_model()
    assert lib.publish(trier, model=model)[0].status_code == 201
    for path in (
        f"/p/{trier.slug}/gewerbeanmeldung/1.0.0/model",
        f"/p/{trier.slug}/gewerbeanmeldung/1.0.0/manifest.json",
    ):
        get = lib.session.get(lib.url + path, timeout=60)
        head = lib.session.head(lib.url + path, timeout=60)
        assert get.status_code == head.status_code == 200, path
        for name in ("ETag", "Content-Length", "Content-Type", "Content-Disposition"):
            assert head.headers.get(name) == get.headers.get(name), (path, name)
        assert head.content == b""


def test_openapi_lists_get_operations_and_says_head_comes_with_them(servers):
    document = servers().session.get(servers().url + "/openapi.json", timeout=60).json()
    assert "also answers HEAD" in document["info"]["description"]
    operations = [
        op
        for item in document["paths"].values()
        for method, op in item.items()
        if method in ("get", "put", "post", "delete", "patch", "head", "options")
    ]
    assert not any("head" in item for item in document["paths"].values())
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    assert "get" in document["paths"]["/api/v1/processes/{publisher}/{slug}/{version}/model"]
