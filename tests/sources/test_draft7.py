"""draft7_validator: the same errors as jsonschema's own Draft7Validator, without the
optional format libraries, and without leaving a reduced jsonschema for the next importer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from pathlib import Path
from etc_policy.sources.draft7 import OPTIONAL_FORMAT_LIBRARIES, draft7_validator
from etc_policy.sources.railway_config import _schema

documents = json.loads(sys.stdin.read())
def errors(validator):
    def flat(error):
        yield (error.validator, list(map(str, error.absolute_path)), error.message,
               list(map(str, error.absolute_schema_path)))
        for child in error.context or ():
            yield from flat(child)
    return [[list(e) for error in sorted(validator.iter_errors(doc), key=lambda e: e.message)
             for e in flat(error)] for doc in documents]

ours = draft7_validator(_schema())
after = {"jsonschema": "jsonschema" in sys.modules,
         "hidden": sorted(n for n in OPTIONAL_FORMAT_LIBRARIES if n in sys.modules)}
ours_errors = errors(ours)
import jsonschema
print(json.dumps({"after": after, "ours": ours_errors,
                  "theirs": errors(jsonschema.Draft7Validator(_schema())),
                  "same_class": type(ours) is jsonschema.Draft7Validator,
                  "formats": sorted(jsonschema.FormatChecker().checkers)}))
"""

DOCUMENTS = [
    {"build": {"builder": "nixpacks"}, "deploy": {"restartPolicyType": "never"}},
    {"deploy": {"healthcheckTimeout": "300", "numReplicas": -1, "variables": {"A": "b"}}},
    {"$schema": 3, "build": [], "deploy": {"cronSchedule": 5, "startCommand": None}},
    {"environments": {"production": {"deploy": {"restartPolicyMaxRetries": "x"}}}},
    {"build": {"watchPatterns": "src/**"}, "unknown": True},
]


def run(code: str, stdin: str) -> dict:
    completed = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True,
                               text=True, check=True, cwd=ROOT)
    return json.loads(completed.stdout)


def corpus_documents() -> list[object]:
    out = []
    for path in sorted((ROOT / "tests" / "data" / "corpora" / "railway-invalid").glob("*.json")):
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except ValueError:
            continue  # syntax errors never reach the schema
    for path in sorted((ROOT / "tests" / "data" / "corpora" / "railway-real").rglob("*.json")):
        out.append(json.loads(path.read_text(encoding="utf-8")))
    return out


def test_same_errors_as_jsonschema_and_a_complete_jsonschema_afterwards() -> None:
    documents = [*DOCUMENTS, *corpus_documents()]
    result = run(PROBE, json.dumps(documents))
    assert result["after"] == {"jsonschema": False, "hidden": []}
    assert result["ours"] == result["theirs"]
    assert any(result["ours"]), "the documents are invalid"
    assert not result["same_class"], "our copy stays private"
    complete = run("import json, jsonschema; "
                   "print(json.dumps({'formats': sorted(jsonschema.FormatChecker().checkers)}))",
                   "")
    assert result["formats"] == complete["formats"]


def test_an_imported_jsonschema_is_used_as_it_is() -> None:
    import jsonschema

    from etc_policy.sources.draft7 import draft7_validator

    assert type(draft7_validator({"type": "object"})) is jsonschema.Draft7Validator
