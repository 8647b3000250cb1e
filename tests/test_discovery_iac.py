"""Discovery of .railway/railway.ts and the formats registry (sources/formats.py)."""

from __future__ import annotations

from pathlib import Path

from etc_policy.discovery import discover, load_workspace
from etc_policy.model import SourceKind
from etc_policy.sources.formats import DEPLOY_CONFIG_KINDS, FORMATS, VARIABLE_KINDS

PROGRAM = ('import { defineRailway, project, service } from "railway/iac";\n'
           'export default defineRailway(() => project("p", { resources: [\n'
           '  service("web", { env: { NODE_ENV: "production" } }),\n'
           '  service("worker", {}),\n] }));\n')


def test_railway_ts_is_found_in_its_folder_only(tmp_path: Path) -> None:
    (tmp_path / ".railway").mkdir()
    (tmp_path / ".railway" / "railway.ts").write_text(PROGRAM)
    (tmp_path / "apps" / "api" / ".railway").mkdir(parents=True)
    (tmp_path / "apps" / "api" / ".railway" / "railway.mjs").write_text(PROGRAM)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "railway.ts").write_text(PROGRAM)    # not in .railway/: app code
    found = {spec.path.relative_to(tmp_path).as_posix(): spec.kind for spec in discover(tmp_path)}
    assert found == {".railway/railway.ts": SourceKind.RAILWAY_IAC,
                     "apps/api/.railway/railway.mjs": SourceKind.RAILWAY_IAC}


def test_one_source_per_service_in_production_unless_named(tmp_path: Path) -> None:
    (tmp_path / ".railway").mkdir()
    (tmp_path / ".railway" / "railway.ts").write_text(PROGRAM)
    workspace = load_workspace(discover(tmp_path), root=tmp_path)
    assert [(s.path, s.service, s.environment, s.origin_line) for s in workspace.sources] == [
        (".railway/railway.ts", "web", "production", 3),
        (".railway/railway.ts", "worker", "production", 4)]
    staging = load_workspace(discover(tmp_path), root=tmp_path, environment="staging")
    assert {s.environment for s in staging.sources} == {"staging"}


def test_every_kind_has_one_format_row_and_railway_ts_holds_both() -> None:
    assert set(FORMATS) == set(SourceKind)
    assert SourceKind.RAILWAY_IAC in VARIABLE_KINDS and SourceKind.RAILWAY_IAC in DEPLOY_CONFIG_KINDS
    assert SourceKind.RAILWAY_CONFIG not in VARIABLE_KINDS
    assert DEPLOY_CONFIG_KINDS == (SourceKind.RAILWAY_CONFIG, SourceKind.RAILWAY_IAC,
                                   SourceKind.RAILWAY_IAC_GRAPH)
