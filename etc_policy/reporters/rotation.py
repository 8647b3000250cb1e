"""Rotation status as a plain table, Markdown (ready to paste) and JSON. No values: keys,
environments, dates and states only."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from etc_policy.reporters.text import Text
from etc_policy.rotation.status import RotationPolicy, SecretStatus, State

ROTATION_JSON_VERSION = "1.0"
COLUMNS = ("environment", "key", "age", "due", "state")
# As check's severities: overdue is an error, due soon a warning.
STATE_STYLES = {State.OVERDUE: "bold red", State.DUE_SOON: "yellow", State.OK: "green",
                State.CHANGED: "magenta", State.UNTRACKED: "dim"}


def row(status: SecretStatus) -> tuple[str, ...]:
    age = f"{status.age_days} d" if status.age_days is not None else "?"
    if status.basis == "jwt-iat":
        age += " (iat)"
    elif status.basis == "sops-lastmodified":
        age += " (sops)"   # at least: the SOPS file's last encryption, the ledger had no date
    due = status.due.isoformat() if status.due else "-"
    if status.days_left is not None:
        due += f" (in {status.days_left} d)" if status.days_left >= 0 else \
            f" ({-status.days_left} d ago)"
    state = status.state.label + (", changed" if status.changed and status.state not in
                                  (State.CHANGED,) else "")
    return (status.environment, status.key, age, due, state)


def table_lines(statuses: Sequence[SecretStatus], *, as_of: date,
                policy: RotationPolicy) -> list[Text]:
    """The table as styled lines (the state coloured on a terminal, as check's severities)."""
    rows = [COLUMNS, *(row(s) for s in statuses)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = [Text("  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths)).rstrip(), style="bold"),
             Text("  ".join("-" * w for w in widths), style="dim")]
    for status, cells in zip(statuses, rows[1:]):
        line = Text("".join(cell.ljust(w) + "  " for cell, w in zip(cells[:-1], widths)))
        lines.append(line.append(cells[-1], style=STATE_STYLES[status.state]))
    footer = _footer(statuses, as_of=as_of, policy=policy)
    urgent = any(s.state in (State.OVERDUE, State.DUE_SOON) for s in statuses)
    lines += [Text(), Text(footer, style="bold" if urgent else "")]
    return lines


def render_markdown(statuses: Sequence[SecretStatus], *, as_of: date, policy: RotationPolicy,
                    title: str = "Secret rotation") -> str:
    lines = [f"### {title} — as of {as_of.isoformat()}", "",
             f"Policy: rotate every {policy.max_age_days} days; reminder {policy.warn_days} days "
             "before.", ""]
    if not statuses:
        return "\n".join([*lines, "Nothing is due.", ""])
    lines += ["| Environment | Key | Age | Due | State |", "|---|---|---|---|---|"]
    for status in statuses:
        cells = row(status)
        lines.append("| " + " | ".join(_md(c) for c in cells[:4]) + f" | {_badge(status)} |")
    lines += ["", _footer(statuses, as_of=as_of, policy=policy), ""]
    return "\n".join(lines)


def _badge(status: SecretStatus) -> str:
    icon = {State.OVERDUE: "🔴", State.DUE_SOON: "🟠", State.OK: "🟢"}.get(status.state, "⚪")
    return f"{icon} {_md(row(status)[4])}"


def _md(text: str) -> str:
    for char in "\\|`*_[]<>":
        text = text.replace(char, "\\" + char)
    return text


def _footer(statuses: Sequence[SecretStatus], *, as_of: date, policy: RotationPolicy) -> str:
    counts = {state: sum(1 for s in statuses if s.state is state) for state in State}
    parts = [f"{counts[s]} {s.label}" for s in State if counts[s]]
    return (f"{len(statuses)} secret(s) as of {as_of.isoformat()}"
            + (": " + ", ".join(parts) if parts else "")
            + f" (rotate every {policy.max_age_days} days).")


def status_object(status: SecretStatus) -> dict[str, object]:
    return {
        "environment": status.environment, "key": status.key, "state": status.state.value,
        "since": _iso(status.since), "basis": status.basis, "due": _iso(status.due),
        "days_left": status.days_left, "age_days": status.age_days,
        "expires": _iso(status.expires), "changed": status.changed,
        "rotations": status.rotations, "path": status.path, "line": status.line,
    }


def rotation_document(statuses: Sequence[SecretStatus], *, as_of: date, policy: RotationPolicy,
                      ledger: str, within: int | None = None) -> dict[str, object]:
    return {
        "version": ROTATION_JSON_VERSION, "as_of": as_of.isoformat(), "ledger": ledger,
        "policy": {"max_age_days": policy.max_age_days, "warn_days": policy.warn_days},
        "within_days": within,
        "summary": {state.value: sum(1 for s in statuses if s.state is state) for state in State},
        "secrets": [status_object(s) for s in statuses],
    }


def dumps(document: dict[str, object]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
