"""What the subcommands share: the project (config + packs + rules), the workspace, output.

Heavy modules (policy, discovery, engine, reporters) are imported inside the functions
that need them, so `etc-policy --help` and the hook's startup stay cheap.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from io import StringIO
from pathlib import Path
from typing import IO, TYPE_CHECKING

from etc_policy.config import LoadedConfig, find_config, load_config
from etc_policy.errors import UsageError
from etc_policy.record import record

if TYPE_CHECKING:
    from etc_policy.discovery import SourceSpec
    from etc_policy.findings import FailOn, Report
    from etc_policy.ignores import ImportedIgnores
    from etc_policy.model import Workspace
    from etc_policy.policy import Pack, Rule
    from etc_policy.projects import ProjectDir


class DataFormat(StrEnum):
    """Formats of the listing commands (inspect, rules, explain)."""
    TEXT = "text"
    JSON = "json"


class OutputFormat(StrEnum):
    """Formats of finding reports (check)."""
    AUTO = "auto"          # github inside GitHub Actions, text elsewhere
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"      # workflow-command annotations
    MARKDOWN = "markdown"  # PR comments

    def resolved(self) -> "OutputFormat":
        if self is not OutputFormat.AUTO:
            return self
        in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
        return OutputFormat.GITHUB if in_actions else OutputFormat.TEXT


FAKE_SECRETS_SKIPS = "plaintext_at_rest"   # the check kind `fake_secrets: true` turns off


@record
class Project:
    root: Path                  # the folder display paths are relative to
    config: LoadedConfig
    packs: tuple["Pack", ...]
    rules: tuple["Rule", ...]
    keys_file: Path | None = None   # --keys: a dotenvx .env.keys to decrypt with (never shown)

    @property
    def ignore_paths(self) -> tuple[str, ...]:
        from etc_policy.policy import ignore_paths_of

        own = self.config.config.ignore_paths
        return tuple(dict.fromkeys((*own, *ignore_paths_of(self.packs))))


    def imported_ignores(self) -> ImportedIgnores:
        """The peers' ignore files this project honours (config `imports:`, or found)."""
        from etc_policy.ignores import load_ignores

        imports = self.config.config.imports
        return load_ignores(root=self.root, gitleaks_ignore=imports.gitleaks_ignore,
                            secrets_baseline=imports.detect_secrets_baseline,
                            auto_detect=imports.auto_detect,
                            base_dir=self.config.base_dir or self.root)


def project_root(paths: Sequence[str]) -> Path:
    """The project of commands that take one (scan, rotation, --config): one folder given is
    it; files or several paths, the cwd."""
    if len(paths) == 1 and Path(paths[0]).is_dir():
        return Path(paths[0])
    return Path(".")


def load_project(*, root: Path, config_file: str | Path | None, packs: Sequence[str],
                 keys: str | None = None, find: bool = True) -> Project:
    """Config (explicit, else found in `root` unless `find` is off), packs (`--pack` wins over
    the config), rules."""
    from etc_policy.policy import RuleOverride, flatten, load_pack, resolve_rules, \
        shipped_pack_names

    found = find_config(root) if find else None
    loaded = load_config(Path(config_file) if config_file else found)
    refs = tuple(packs) or loaded.config.packs or tuple(shipped_pack_names())
    # Pack paths from the command line are relative to the cwd; from the config, to its folder.
    base_dir = Path(".") if packs else (loaded.base_dir or root)
    loaded_packs = tuple(load_pack(ref, base_dir=base_dir) for ref in refs)
    loaded.check_rule_ids({rule.id for pack in flatten(loaded_packs) for rule in pack.rules})
    overrides = {rule_id: RuleOverride(severity=setting.severity, enabled=setting.enabled)
                 for rule_id, setting in loaded.config.rules.items()}
    rules = resolve_rules(loaded_packs, overrides)
    if loaded.config.fake_secrets:   # said in the config: these files' secrets are fake
        rules = tuple(rule for rule in rules if rule.kind != FAKE_SECRETS_SKIPS)
    keys_file = None
    if keys is not None:
        keys_file = Path(keys)
        _require_exists(keys_file, raw=keys)
    return Project(root=root, config=loaded, packs=loaded_packs, rules=rules, keys_file=keys_file)


def load_project_of(path: Path | None, *, config_file: str | None,
                    packs: Sequence[str], keys: str | None = None) -> Project:
    """The project one path belongs to (the current directory when None), for commands that
    work on one project (scan's --env-file, rotation): the same resolution as check's."""
    from etc_policy.projects import Resolver

    if config_file is not None:
        return load_project(root=path if path and path.is_dir() else Path("."),
                            config_file=config_file, packs=packs, keys=keys)
    target = path if path is not None else Path(".")
    fallback = target if target.is_dir() else Path(".")
    where = Resolver().project_of(target, fallback=fallback)
    return load_project(root=where.root, config_file=where.config, packs=packs, keys=keys,
                        find=False)


@record
class ProjectRun:
    """One project of a run and the inputs of this run that belong to it."""
    project: Project
    specs: tuple["SourceSpec", ...]


@record
class Runs:
    """Every project the paths reach (ordered by root), and what the walk noticed."""
    projects: tuple[ProjectRun, ...]
    notices: tuple[str, ...] = ()
    empty: tuple[str, ...] = ()     # folders given that hold nothing etc-policy reads


def load_projects(paths: Sequence[str], *, config_file: str | None,
                  packs: Sequence[str], keys: str | None = None) -> Runs:
    """The one project resolution of every command that checks sources (check, inspect,
    baseline, audit): each input goes to the project it belongs to (projects.Resolver: the
    nearest folder with its own config or Railway config), and each project is loaded with
    its own config. `--config FILE` makes one project of everything, as before."""
    from etc_policy.projects import ProjectDir, Resolver

    if config_file is not None:
        fixed = ProjectDir(project_root(paths), Path(config_file))
        resolve: Callable[[Path, Path], ProjectDir] = lambda path, fallback: fixed  # noqa: E731
    else:
        resolver = Resolver()
        resolve = lambda path, fallback: resolver.project_of(path, fallback=fallback)  # noqa: E731
    plan = _Plan(resolve)
    for raw in paths:
        plan.add(raw)
    runs = []
    for where in sorted(plan.groups, key=lambda d: d.root.as_posix()):
        project = load_project(root=where.root, config_file=where.config, packs=packs,
                               keys=keys, find=False)
        runs.append(ProjectRun(project, tuple(plan.specs_of(where, project))))
    # A project none of whose files this run reads (the bare root folder of a monorepo whose
    # apps are projects of their own) adds nothing: it is left out, unless all are empty.
    kept = [run for run in runs if run.specs] or runs[:1]
    return Runs(tuple(kept), tuple(plan.notices), _empty(plan.bare, runs))


def one_project(paths: Sequence[str], *, config_file: str | None,
                packs: Sequence[str], command: str, keys: str | None = None) -> ProjectRun:
    """The single project of a command that keeps one ledger (rotation): several projects
    (a monorepo's root) are a usage error naming them, not a silent merge of two ledgers."""
    runs = load_projects(paths, config_file=config_file, packs=packs, keys=keys).projects
    if len(runs) > 1:
        from etc_policy.paths import shown

        names = ", ".join(shown(run.project.root) for run in runs)
        raise UsageError(f"{command}: the paths reach {len(runs)} projects ({names}), each "
                         "with its own ledger; give one project's folder")
    return runs[0]


def _empty(folders: Sequence[Path], runs: Sequence[ProjectRun]) -> tuple[str, ...]:
    """The folders given that hold nothing etc-policy reads (not even a source the config
    names under another name), as the path rule shows them."""
    from etc_policy.paths import shown

    loaded = [Path(spec.path).resolve() for run in runs for spec in run.specs]
    return tuple(shown(folder) for folder in folders
                 if not any(path.is_relative_to(folder.resolve()) for path in loaded))


class _Plan:
    """Which inputs go to which project, before any project is loaded.

    pre-commit passes every staged file its `files:` regex matches, and two kinds of them are
    not inputs. A project's config changes what every source is checked against, so it stands
    for its whole project (the project's folder discovered). A YAML file is a policy pack (no
    input format is YAML): it is validated (exit 2 naming file, line and field), and the whole
    project it lies in is checked too, because the pack may be one of the packs it uses.
    """

    def __init__(self, resolve: Callable[[Path, Path], "ProjectDir"]) -> None:
        self.resolve = resolve
        self.groups: dict[ProjectDir, dict[Path, SourceSpec]] = {}
        self.folders: dict[ProjectDir, list[Path]] = {}   # folders discovered, per project
        self.notices: list[str] = []
        self.bare: list[Path] = []        # folders given where discovery found nothing

    def add(self, raw: str) -> None:
        from etc_policy.discovery import SourceSpec

        path = Path(raw)
        _require_exists(path, raw=raw)
        if path.is_dir():
            self.add_folder(path, fallback=path)
            return
        inside_cwd = Path(os.path.abspath(path)).is_relative_to(os.getcwd())
        where = self.resolve(path, Path(".") if inside_cwd else path.parent)
        self.groups.setdefault(where, {})
        role = _role(path, where=where)
        if role is _Role.SOURCE:
            self.groups[where].setdefault(path.resolve(), SourceSpec(path))
        elif role is _Role.PROJECT:
            self.add_folder(where.root, fallback=where.root, only=where)

    def add_folder(self, folder: Path, *, fallback: Path,
                   only: "ProjectDir | None" = None) -> None:
        """Discover `folder`; each input goes to its project (`only`: to that one alone)."""
        from etc_policy.discovery import explore

        found = explore(folder)
        self.notices.extend(n for n in found.skipped if n not in self.notices)
        reached = [self.resolve(folder, fallback)] if only is None else [only]
        reached += [self.resolve(d, fallback) for d in found.config_dirs]
        for where in reached:
            if only is None or where == only:
                self.groups.setdefault(where, {})
                self.folders.setdefault(where, []).append(folder)
        for spec in found.specs:
            where = self.resolve(spec.path, fallback)
            if only is None or where == only:
                self.groups.setdefault(where, {}).setdefault(spec.path.resolve(), spec)
        if not found.specs:
            self.bare.append(folder)

    def specs_of(self, where: "ProjectDir", project: Project) -> list["SourceSpec"]:
        """The project's inputs; those its config names (`environments:`) keep the kind and
        environment it gives them, and those inside a discovered folder are added (discovery
        may not know their names). A configured source that lies in another project (a
        nested one with its own config) is that project's business."""
        configured = {path: spec for path, spec in _configured_specs(project).items()
                      if self.resolve(spec.path, where.root) == where}
        specs = dict(self.groups[where])
        for folder in self.folders.get(where, []):
            for spec in _under(configured.values(), folder):
                specs.setdefault(Path(spec.path).resolve(), spec)
        return [configured.get(resolved, spec) for resolved, spec in specs.items()]


class _Role(StrEnum):
    SOURCE = "source"      # loaded as given
    PROJECT = "project"    # a config or a pack: validated, stands for the whole project
    NONE = "none"          # not ours (a pyproject.toml without [tool.etc-policy])


def _require_exists(path: Path, *, raw: str) -> None:
    if not path.exists():
        problem = "broken symlink or symlink loop" if path.is_symlink() else \
            "no such file or directory"
        raise UsageError(problem, path=raw)


def _role(path: Path, *, where: "ProjectDir") -> _Role:
    from etc_policy.config import PYPROJECT, YAML_NAMES

    if where.config is not None and path.resolve() == where.config.resolve():
        return _Role.PROJECT       # loaded (and validated) with its project
    if path.name in YAML_NAMES or (path.name == PYPROJECT and find_config(path.parent) == path):
        load_config(path)          # a config outside the resolution (--config given): validate
        return _Role.PROJECT
    if path.name == PYPROJECT:
        return _Role.NONE          # Python packaging only, no [tool.etc-policy] table
    if path.suffix.lower() in {".yaml", ".yml"}:
        _validate_pack(path)       # no input format is YAML: it is a policy pack
        return _Role.PROJECT
    return _Role.SOURCE


def _validate_pack(path: Path) -> None:
    """Load the pack, what it extends and its overrides, as `etc-policy validate` does."""
    from etc_policy.policy import load_pack, resolve_rules

    resolve_rules((load_pack(str(path), base_dir=Path(".")),), {})


def _configured_specs(project: Project) -> dict[Path, "SourceSpec"]:
    """The config's `environments:` sources, by resolved path (relative to the config file)."""
    from etc_policy.discovery import SourceSpec

    base = project.config.base_dir or project.root
    out: dict[Path, SourceSpec] = {}
    for name, environment in project.config.config.environments.items():
        for source in environment.sources:
            path = base / source.path
            out[path.resolve()] = SourceSpec(path, kind=source.kind, environment=name)
    return out


def _under(specs: Iterable["SourceSpec"], folder: Path) -> list["SourceSpec"]:
    """Configured sources inside `folder` that exist (discovery may not know their names)."""
    top = folder.resolve()
    return [spec for spec in specs
            if Path(spec.path).is_file() and Path(spec.path).resolve().is_relative_to(top)]


def load_workspace_of(run: ProjectRun, *, environment: str | None) -> "Workspace":
    """A project's sources of this run, loaded (ignore_paths relative to its config)."""
    from etc_policy.discovery import load_workspace

    project = run.project
    return load_workspace(run.specs, root=project.config.base_dir or project.root,
                          environment=environment, ignore_paths=project.ignore_paths,
                          keys_file=project.keys_file)


def configured_logs(project: Project, environment: str | None = None) -> list[str]:
    """`environments.<name>.logs` of one environment (all when None): paths or globs,
    relative to the config file, in order, without repeats."""
    import glob

    environments = project.config.config.environments
    if environment is None:
        selected = list(environments.values())
    else:
        selected = [environments[environment]] if environment in environments else []
    base = project.config.base_dir or project.root
    out: list[str] = []
    for env in selected:
        for pattern in env.logs:
            full = str(base / pattern)
            out.extend(sorted(glob.glob(full, recursive=True)) if glob.has_magic(pattern)
                       else [full])
    return list(dict.fromkeys(out))


# --- output -----------------------------------------------------------------------------


def check_output_path(output: str | None) -> Path | None:
    """Fail before doing any work if `--output` cannot be written."""
    if output is None:
        return None
    path = Path(output)
    if path.is_dir():
        raise UsageError("--output is a directory, not a file", path=output)
    if not path.parent.is_dir():
        raise UsageError("--output: the folder does not exist", path=output)
    return path


def emit(render: Callable[[IO[str]], None], *, output: Path | None) -> None:
    """Render to stdout, or to a string written atomically to `output` (plain, no colour)."""
    if output is None:
        render(sys.stdout)
        sys.stdout.flush()
        return
    buffer = StringIO()
    render(buffer)
    write_atomic(output, buffer.getvalue())


def write_atomic(path: Path, text: str) -> None:
    """Temp file in the same folder + rename: readers see the old file or the whole new one."""
    import tempfile  # here: it costs ~3.5 ms (shutil, random) and only writes need it

    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def warn(message: str) -> None:
    print(f"etc-policy: warning: {message}", file=sys.stderr)


def render_findings(report: "Report", stream: IO[str], output_format: OutputFormat,
                    threshold: "FailOn", *, rules: Sequence["Rule"], root: Path,
                    category: str) -> None:
    """A findings report (check, scan) in the chosen format; reporters load on demand."""
    from etc_policy import __version__

    if output_format is OutputFormat.JSON:
        from etc_policy.reporters.json import write_report

        write_report(report, stream, fail_on=threshold)
    elif output_format is OutputFormat.SARIF:
        from etc_policy.reporters.sarif import write_sarif

        write_sarif(report, rules, stream, root=root, category=category,
                    tool_version=__version__, base=Path.cwd())
    elif output_format is OutputFormat.GITHUB:
        from etc_policy.paths import key_of
        from etc_policy.reporters.github import render_github

        stream.write(render_github(report, file_of=key_of))
    elif output_format is OutputFormat.MARKDOWN:
        from etc_policy.reporters.markdown import render_markdown

        stream.write(render_markdown(report))
    else:
        from etc_policy.reporters.text import make_console, render_report

        render_report(report, make_console(stream), fail_on=threshold)
