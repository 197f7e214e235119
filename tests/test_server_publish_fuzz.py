"""The publish fuzzer (tests/publish_fuzz.py) on SQLite and PostgreSQL: no 5xx, whatever is uploaded.

A modest count here (PROCEX_FUZZ_EXAMPLES, default 60 per backend); bench/server_publish_fuzz.py
runs thousands and prints the figures.
"""

import os

from hypothesis import HealthCheck, given, settings

from tests import libserver, publish_fuzz

servers = libserver.servers  # the fixture: SQLite and PostgreSQL
EXAMPLES = int(os.environ.get("PROCEX_FUZZ_EXAMPLES", "60"))


def test_no_upload_gets_a_server_error(servers):
    lib = servers()
    member = lib.member(prefix="fuzz")
    tally, session = publish_fuzz.Tally(), publish_fuzz.new_session()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(upload=publish_fuzz.uploads(member.slug))
    def one_upload(upload):
        manifest_part, model, version = upload
        response = publish_fuzz.put(lib, member, manifest_part, model, version, session)
        tally.add(response, upload)
        assert response.status_code < 500, (response.status_code, response.text[:500], upload)

    one_upload()
    assert tally.cases >= EXAMPLES and tally.five_hundreds == 0
    # The fuzzer reaches the stored path and the refusals alike.
    assert tally.statuses[201] > 0 and tally.statuses[422] > 0, tally.statuses
