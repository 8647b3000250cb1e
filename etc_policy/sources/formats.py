"""The one registry of input formats: what each SourceKind holds, asked by discovery, engine
and checks instead of comparing kinds one by one.

  deploy_config   entries keyed by JSON pointer (`/deploy/healthcheckPath`): railway.json's
                  fields, so the deploy-config rules (health check, restart policy) read it
  variables       entries keyed by variable name: the variable rules and `scan` read it
  default_environment   the environment a file of this kind describes when nobody names one

railway.ts (and the graph the SDK compiles it to) holds both: one program declares a service's deploy settings and its variables,
for every environment of the project (production unless named: the runbook's target).
A new format is one row here; nothing else decides what a kind holds.
"""

from __future__ import annotations

from etc_policy.model import Source, SourceKind
from etc_policy.record import record


@record
class Format:
    deploy_config: bool = False
    variables: bool = False
    default_environment: str | None = None


FORMATS: dict[SourceKind, Format] = {
    SourceKind.DOTENV: Format(variables=True),
    SourceKind.RAILWAY_CONFIG: Format(deploy_config=True),
    SourceKind.RAILWAY_VARIABLES: Format(variables=True),
    SourceKind.RAILWAY_VARIABLES_KV: Format(variables=True),
    SourceKind.RAILWAY_ENVIRONMENT: Format(variables=True),
    SourceKind.RAILWAY_IAC: Format(deploy_config=True, variables=True,
                                   default_environment="production"),
    SourceKind.RAILWAY_IAC_GRAPH: Format(deploy_config=True, variables=True,
                                         default_environment="production"),
}


def holds_variables(kind: SourceKind) -> bool:
    return FORMATS[kind].variables


def declares_variables(source: Source) -> bool:
    """Whether the source says which variables exist, so that a missing one is missing: a
    railway.ts service without an `env` block (its variables live in Railway), or whose block
    has a spread only running the program would give, does not."""
    if not FORMATS[source.kind].variables:
        return False
    document = source.document
    return not (isinstance(document, dict) and document.get("iac_variables") in {"none", "partial"})


def holds_deploy_config(kind: SourceKind) -> bool:
    return FORMATS[kind].deploy_config


VARIABLE_KINDS: tuple[SourceKind, ...] = tuple(k for k, f in FORMATS.items() if f.variables)
DEPLOY_CONFIG_KINDS: tuple[SourceKind, ...] = tuple(k for k, f in FORMATS.items() if f.deploy_config)
