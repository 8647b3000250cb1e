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
    """One folder given: it is the project. Files (pre-commit) or several paths: the cwd."""
    if len(paths) == 1 and Path(paths[0]).is_dir():
        return Path(paths[0])
    return Path(".")


def load_project(*, root: Path, config_file: str | None, packs: Sequence[str],
                 keys: str | None = None) -> Project:
    """Config (explicit or found in `root`), packs (`--pack` wins over the config), rules."""
    from etc_policy.policy import RuleOverride, flatten, load_pack, resolve_rules, \
        shipped_pack_names

    loaded = load_config(Path(config_file) if config_file else find_config(root))
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


def load_sources(paths: Sequence[str], *, project: Project,
                 environment: str | None) -> "Workspace":
    """Files are loaded as given; folders are discovered; the config names kinds/environments."""
    from etc_policy.discovery import load_workspace

    specs = source_specs(paths, project=project)
    return load_workspace(specs, root=project.root, environment=environment,
                          ignore_paths=project.ignore_paths, keys_file=project.keys_file)


def source_specs(paths: Sequence[str], *, project: Project) -> list["SourceSpec"]:
    """The inputs the paths name: a folder is discovered, a file is loaded as given.

    pre-commit passes every staged file its `files:` regex matches, and two kinds of them are
    not inputs. The project's config changes what every source is checked against, so it
    stands for the whole project (`project.root` discovered). A YAML file is a policy pack (no
    input format is YAML): it is validated (exit 2 naming file, line and field), and the whole
    project is checked too, because the pack may be one of the packs it uses.
    """
    from etc_policy.discovery import SourceSpec, discover

    configured = _configured_specs(project)
    specs: dict[Path, SourceSpec] = {}
    whole_project = False
    for raw in paths:
        path = Path(raw)
        _require_exists(path, raw=raw)
        role = _role(path, project=project)
        if role is _Role.FOLDER:
            found = [*discover(path), *_under(configured.values(), path)]
        elif role is _Role.SOURCE:
            found = [SourceSpec(path)]
        else:
            whole_project = whole_project or role is _Role.PROJECT
            found = []
        for spec in found:
            specs.setdefault(Path(spec.path).resolve(), spec)
    if whole_project:
        for spec in (*discover(project.root), *_under(configured.values(), project.root)):
            specs.setdefault(Path(spec.path).resolve(), spec)
    return [configured.get(resolved, spec) for resolved, spec in specs.items()]


class _Role(StrEnum):
    FOLDER = "folder"      # discovered
    SOURCE = "source"      # loaded as given
    PROJECT = "project"    # a config or a pack: validated, stands for the whole project
    NONE = "none"          # not ours (a pyproject.toml without [tool.etc-policy])


def _require_exists(path: Path, *, raw: str) -> None:
    if not path.exists():
        problem = "broken symlink or symlink loop" if path.is_symlink() else \
            "no such file or directory"
        raise UsageError(problem, path=raw)


def _role(path: Path, *, project: Project) -> _Role:
    from etc_policy.config import PYPROJECT, YAML_NAMES

    if path.is_dir():
        return _Role.FOLDER
    loaded = project.config.path
    if loaded is not None and path.resolve() == loaded.resolve():
        return _Role.PROJECT       # already loaded (and validated) by load_project
    if path.name in YAML_NAMES or (path.name == PYPROJECT and find_config(path.parent) == path):
        load_config(path)          # a nested project's config: still worth validating
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
                    tool_version=__version__)
    elif output_format is OutputFormat.GITHUB:
        from etc_policy.reporters.github import render_github

        stream.write(render_github(report))
    elif output_format is OutputFormat.MARKDOWN:
        from etc_policy.reporters.markdown import render_markdown

        stream.write(render_markdown(report))
    else:
        from etc_policy.reporters.text import make_console, render_report

        render_report(report, make_console(stream), fail_on=threshold)
