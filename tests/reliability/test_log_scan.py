"""The log scan of ``make reliability``: invented people that are valid people, and a scan that
finds each of their values however a log line carries it (``ilja.ops.log_scan``)."""

from __future__ import annotations

import logging
from urllib.parse import quote

from ilja.ops.log_scan import captured_logs, registration, scan, synthetic_people
from ilja.people.rrn.numbers import parse_rrn


def test_invented_people_are_distinct_and_their_rrns_valid():
    people = synthetic_people(50)
    assert len({p.name for p in people}) == len({p.rrn for p in people}) == 50
    for person in people:
        assert parse_rrn(person.rrn).birth_date.isoformat() == person.birth_date
        assert registration(person)["rrn"] == person.rrn


def test_the_scan_finds_a_value_as_typed_url_encoded_or_unhyphenated_and_any_rrn_shape():
    person, other = synthetic_people(2)
    logs = {"server.log": "\n".join([
        'INFO: 127.0.0.1:5 - "GET /api/v1/people HTTP/1.1" 200 OK',
        f'INFO: 127.0.0.1:5 - "GET /api/v1/people?q={quote(person.name)} HTTP/1.1" 200 OK',
        f"ERROR: insert failed {person.phone.replace('-', '')}",
        f"ERROR: [parameters: {{'x': 1}}] {other.address}",
        "WARNING: someone else 900101-1234568",
    ])}
    result = scan(logs, [person, other])
    assert not result.ok and result.lines == 5
    assert result.findings == ["server.log:2 name", "server.log:3 phone", "server.log:3 phone-shaped number",
                               "server.log:4 SQL parameters", "server.log:4 address",
                               "server.log:5 RRN-shaped number"]
    assert all(person.name not in finding for finding in result.findings)  # the report holds no value
    assert scan({"server.log": 'INFO: "GET /api/v1/health HTTP/1.1" 200 OK'}, [person]).ok
    assert not scan({}, [person]).ok  # nothing scanned proves nothing


def test_captured_logs_keep_tracebacks(tmp_path):
    path = tmp_path / "app.log"
    with captured_logs(path):
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("ilja.test").exception("failed")
    logging.getLogger("ilja.test").error("after the block")
    text = path.read_text()
    assert "ERROR ilja.test failed" in text and "ValueError: boom" in text and "after the block" not in text


def test_access_log_lines_lose_the_query_and_any_name_or_number_in_the_path():
    from ilja.web.access_log import AccessLogFilter, clean_path

    assert clean_path("/api/v1/people?q=%ED%99%8D%EA%B8%B8%EB%8F%99") == "/api/v1/people?…"
    assert clean_path("/api/v1/people/900101-1234567") == "/api/v1/people/…"
    assert clean_path("/people/%ED%99%8D/edit") == "/people/…/edit"
    assert clean_path("/api/v1/publicjobs/payroll/2025-07/runs/12") == "/api/v1/publicjobs/payroll/2025-07/runs/12"
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", "/api/v1/people?q=010-1234-5678", "1.1", 200), None)
    assert AccessLogFilter().filter(record)
    assert record.getMessage() == '127.0.0.1:5 - "GET /api/v1/people?… HTTP/1.1" 200'
