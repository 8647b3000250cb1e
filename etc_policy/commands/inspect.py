"""`etc-policy inspect`: what each source contributes, which entries are secrets and why.

Values appear only as redacted hints unless `--reveal` is given (then a warning goes to
stderr, so a user who pipes the output somewhere knows what they did)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO

from etc_policy.commands.common import DataFormat, check_output_path, emit, load_projects, \
    load_workspace_of, warn
from etc_policy.errors import ExitCode
from etc_policy.model import Entry, Source


def run(paths: Sequence[str], *, packs: Sequence[str], config: str | None,
        keys: str | None = None,
        environment: str | None, output_format: DataFormat, output: str | None,
        reveal: bool) -> int:
    from etc_policy.secrets.classify import SecretClassifier

    target = check_output_path(output)
    sources: list[Source] = []
    classifiers: dict[int, SecretClassifier] = {}   # id(entry) -> its project's classifier
    for project_run in load_projects(paths, config_file=config, packs=packs,
                                     keys=keys).projects:
        # Each project's packs decide which of its entries are secrets.
        classifier = SecretClassifier.from_packs(project_run.project.packs)
        workspace = load_workspace_of(project_run, environment=environment)
        for source in workspace.sources:
            classifiers.update((id(entry), classifier) for entry in source.entries)
        sources.extend(workspace.sources)
    if reveal:
        warn("--reveal: raw secret values are printed; do not share or store this output")

    def reason_of(entry: Entry) -> str | None:
        reason = classifiers[id(entry)].classify(entry)
        return None if reason is None else str(reason)

    emit(lambda stream: _render(sources, stream, output_format, reason_of=reason_of,
                                reveal=reveal), output=target)
    return ExitCode.OK


def hint_of(entry: Entry) -> str | None:
    """Redacted evidence for any value (non-string config values are shown as JSON)."""
    import json

    from etc_policy.secrets.redact import hint

    if entry.value is None:
        return None
    if entry.ciphertext is not None:
        return f"encrypted ({entry.ciphertext})"   # no piece of the ciphertext, not even 4 chars
    if entry.decrypted_from is not None:
        return f"{hint(entry.text or '')}, decrypted from {entry.decrypted_from}"
    text = entry.text if entry.text is not None else json.dumps(entry.value)
    return hint(text)


def _render(sources: Sequence[Source], stream: IO[str], output_format: DataFormat, *,
            reason_of: Callable[[Entry], str | None], reveal: bool) -> None:
    if output_format is DataFormat.JSON:
        from etc_policy.reporters.json import dumps, inspect_document

        stream.write(dumps(inspect_document(sources, reason_of=reason_of, hint_of=hint_of,
                                            reveal=reveal)))
        return
    from etc_policy.reporters.text import make_console, render_inspect

    render_inspect(sources, make_console(stream), reason_of=reason_of, hint_of=hint_of,
                   reveal=reveal)
