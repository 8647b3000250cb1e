"""Rotation due dates as iCalendar (RFC 5545): one all-day VEVENT per secret, with a
display alarm before the due date. Written by hand (CRLF, escaped TEXT, lines folded at
75 octets) so the runtime needs no calendar library; tests parse it with `icalendar`.

An overdue secret's event is placed on the report's day (a reminder in the past helps no
one) and says since when it is overdue. UIDs are stable per secret and due date, so a
re-imported calendar updates events instead of duplicating them; DTSTAMP is the report's
`--as-of` day, so the output is reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from etc_policy.digest import sha256
from etc_policy.rotation.status import SecretStatus, State

PRODID = "-//etc-policy//rotation report//EN"


def render_ics(statuses: Sequence[SecretStatus], *, as_of: date, alarm_days: int = 7) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:Secret rotation"]
    for status in statuses:
        if status.due is not None:
            lines += _event(status, as_of=as_of, alarm_days=alarm_days)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _event(status: SecretStatus, *, as_of: date, alarm_days: int) -> list[str]:
    assert status.due is not None
    day = max(status.due, as_of)
    overdue = status.state is State.OVERDUE
    summary = f"Rotate {status.key} ({status.environment})"
    if overdue:
        summary += f" — overdue since {status.due.isoformat()}"
    description = (f"{status.key} in environment {status.environment} is due for rotation on "
                   f"{status.due.isoformat()}. After rotating, run: etc-policy rotation record "
                   f"-e {status.environment} --key {status.key}")
    uid = sha256(f"{status.environment}\x1f{status.key}\x1f{status.due}".encode())
    return [
        "BEGIN:VEVENT",
        f"UID:{uid.hexdigest()[:32]}@etc-policy",
        f"DTSTAMP:{as_of.strftime('%Y%m%d')}T000000Z",
        f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{escape(summary)}",
        f"DESCRIPTION:{escape(description)}",
        f"CATEGORIES:{escape('secret rotation')},{escape(status.environment)}",
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape(summary)}",
        "TRIGGER:PT9H" if overdue else f"TRIGGER:-P{alarm_days}D",
        "END:VALARM",
        "END:VEVENT",
    ]


def escape(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and newlines escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Fold at 75 octets (RFC 5545 §3.1) without splitting a UTF-8 character."""
    out: list[str] = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = " "
            limit = 75
        current += char
    out.append(current)
    return "\r\n".join(out)
