"""Rotation states at fixed dates: never rotated, due soon, overdue, just rotated, rotated
twice, changed without a record, untracked, JWT iat/exp; and the reports (table, Markdown,
JSON, iCalendar parsed with the icalendar package)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import icalendar
import pytest

from etc_policy.record import replace
from etc_policy.reporters.ics import render_ics
from etc_policy.reporters.rotation import render_markdown, rotation_document, table_lines
from etc_policy.rotation.fingerprints import Fingerprinter
from etc_policy.rotation.status import Current, RotationPolicy, State, statuses
from rotation_support import CANARY, fast_ledger, project, record

POLICY = RotationPolicy(max_age_days=90, warn_days=14)
AS_OF = date(2026, 11, 1)
KEY = ("production", "OPENAI_API_KEY")


def _status(ledger, current, *, as_of=AS_OF):  # noqa: ANN001, ANN202
    (found,) = [s for s in statuses(ledger=ledger, current=current,
                                    fingerprint=Fingerprinter(ledger.kdf) if ledger else None,
                                    policy=POLICY, as_of=as_of) if (s.environment, s.key) == KEY]
    return found


@pytest.fixture
def current(tmp_path: Path) -> dict:
    return project(tmp_path, {".env.production": f"OPENAI_API_KEY={CANARY}\n"})


@pytest.mark.parametrize(("recorded", "imported", "state", "basis", "due", "age"), [
    (date(2026, 5, 4), False, State.OVERDUE, "first-seen", date(2026, 8, 2), 181),  # never rotated
    (date(2026, 8, 10), True, State.DUE_SOON, "rotated", date(2026, 11, 8), 83),
    (date(2026, 7, 1), True, State.OVERDUE, "rotated", date(2026, 9, 29), 123),
    (date(2026, 11, 1), True, State.OK, "rotated", date(2027, 1, 30), 0),          # just rotated
    (date(2026, 8, 4), True, State.OK, "rotated", date(2026, 11, 2), 89),          # due tomorrow
])
def test_states(current: dict, recorded: date, imported: bool, state: State, basis: str,
                due: date, age: int) -> None:
    ledger = record(fast_ledger(), current, KEY, on=recorded, imported=imported)
    status = _status(ledger, current)
    expected_state = State.DUE_SOON if due == date(2026, 11, 2) else state
    assert (status.state, status.basis, status.due, status.age_days) == \
        (expected_state, basis, due, age)
    assert status.days_left == (due - AS_OF).days and not status.changed


def test_rotated_twice(current: dict) -> None:
    entry = current[KEY].entry
    old = {KEY: Current(current[KEY].source, replace(entry, value=CANARY.replace("FAKE", "OLD1")))}
    ledger = record(fast_ledger(), old, KEY, on=date(2026, 3, 1))
    older = {KEY: Current(current[KEY].source, replace(entry, value=CANARY.replace("FAKE", "OLD2")))}
    ledger = record(ledger, older, KEY, on=date(2026, 6, 1))
    ledger = record(ledger, current, KEY, on=date(2026, 10, 1))
    record_ = ledger.get(*KEY)
    assert [e.event for e in record_.history] == ["imported", "rotated", "rotated"]
    assert record_.first_seen == date(2026, 3, 1) and record_.last_rotated == date(2026, 10, 1)
    status = _status(ledger, current)
    # the imported `last rotated` date is a rotation too (it read "Rotations 0" before)
    assert (status.state, status.rotations, status.age_days) == (State.OK, 3, 31)


def test_changed_without_record_and_untracked(current: dict) -> None:
    entry = current[KEY].entry
    old = {KEY: Current(current[KEY].source, replace(entry, value=CANARY.replace("FAKE", "OLD1")))}
    ledger = record(fast_ledger(), old, KEY, on=date(2026, 3, 1))
    status = _status(ledger, current)
    assert (status.state, status.changed, status.due) == (State.CHANGED, True, None)
    assert _status(fast_ledger(), current).state is State.UNTRACKED


def test_jwt_iat_gives_the_age_and_exp_the_due_date(tmp_path: Path) -> None:
    from jose import jwt

    # iat 2026-10-01, exp 2026-11-10: exp comes before iat + 90 days
    token = jwt.encode({"sub": "FAKE", "iat": 1790812800, "exp": 1794268800}, "FAKE-key-test",
                       algorithm="HS256")
    current = project(tmp_path, {".env.production": f"SERVICE_TOKEN={token}\n"})
    (status,) = statuses(ledger=None, current=current, fingerprint=None, policy=POLICY, as_of=AS_OF)
    assert (status.basis, status.since, status.expires, status.due, status.state) == \
        ("jwt-iat", date(2026, 10, 1), date(2026, 11, 10), date(2026, 11, 10), State.DUE_SOON)


def _report_rows(current: dict) -> list:
    ledger = record(fast_ledger(), current, KEY, on=date(2026, 7, 1))
    return statuses(ledger=ledger, current=current, fingerprint=Fingerprinter(ledger.kdf),
                    policy=POLICY, as_of=AS_OF)


def test_ics_is_valid_rfc5545_with_an_alarm(current: dict) -> None:
    text = render_ics(_report_rows(current), as_of=AS_OF, alarm_days=7)
    assert text.endswith("\r\n") and all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    calendar = icalendar.Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Rotate OPENAI_API_KEY (production) — overdue since 2026-09-29"
    assert event.decoded("DTSTART") == AS_OF          # overdue: placed on the report's day
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert "etc-policy rotation record -e production --key OPENAI_API_KEY" in str(event["DESCRIPTION"])
    assert CANARY not in text and CANARY[:12] not in text


def test_ics_future_due_date_and_escaping() -> None:
    from etc_policy.rotation.status import SecretStatus

    status = SecretStatus(environment="prod,eu;1", key="API_KEY", state=State.OK,
                          since=date(2026, 10, 1), basis="rotated", due=date(2026, 12, 30),
                          age_days=31, days_left=59)
    calendar = icalendar.Calendar.from_ical(render_ics([status], as_of=AS_OF, alarm_days=7))
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == date(2026, 12, 30)
    assert str(event["SUMMARY"]) == "Rotate API_KEY (prod,eu;1)"
    assert str(event.walk("VALARM")[0]["TRIGGER"].to_ical().decode()) == "-P7D"


def test_table_markdown_json(current: dict) -> None:
    rows = _report_rows(current)
    table = "".join(line.plain + "\n" for line in table_lines(rows, as_of=AS_OF, policy=POLICY))
    assert table.splitlines()[0].split() == ["environment", "key", "age", "due", "state"]
    assert table.splitlines()[2].split() == ["production", "OPENAI_API_KEY", "123", "d", "2026-09-29",
                                             "(33", "d", "ago)", "overdue"]
    markdown = render_markdown(rows, as_of=AS_OF, policy=POLICY)
    assert "| production | OPENAI\\_API\\_KEY | 123 d | 2026-09-29 (33 d ago) | 🔴 overdue |" in markdown
    document = rotation_document(rows, as_of=AS_OF, policy=POLICY, ledger="x.json")
    assert document["secrets"][0]["state"] == "overdue" and document["summary"]["overdue"] == 1
    for text in (table, markdown, json.dumps(document)):
        assert CANARY not in text
