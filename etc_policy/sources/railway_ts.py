""".railway/railway.ts (Infrastructure as Code): read statically, one Source per service.

The file is a TypeScript program written with the npm SDK `railway` (`railway/iac`). It is
parsed with tree-sitter's TypeScript grammar (imported here only, so a run without a
railway.ts never loads it) and *evaluated in a small, closed subset* of the language: string,
number and template literals, `const` bindings of the file, object and array literals with
spreads of such bindings, the SDK calls (`service`, `postgres`…, `github`, `image`,
`preserve`, `ref`, `project`, `defineRailway`), arrow functions of the file called with
known arguments (service factories), `ctx.isEnvironment(...)` / `ctx.environmentName`
comparisons, ternaries, `!`, `&&`, `||`, `===`, `!==` and `+`. Everything else — a call of
an imported helper, `process.env`, arithmetic, a loop — is *unresolvable*: the value is not
guessed, it becomes a `railway-iac.unresolvable` diagnostic naming the line, and the entry
keeps value None. Nothing here runs the program (that is the SDK's job: tests/iac/).

Per service, entries are keyed like railway.json so the same rules read both:
  `/deploy/healthcheckPath`, `/deploy/healthcheckTimeout`, `/deploy/restartPolicyType`,
  `/deploy/restartPolicyMaxRetries`, `/deploy/startCommand`, `/deploy/preDeployCommand`,
  `/deploy/numReplicas`, `/deploy/multiRegionConfig/<region>/numReplicas`, `/deploy/region`,
  `/deploy/cronSchedule`, `/deploy/registryCredentials/{username,password}`,
  `/build/buildCommand`, `/build/builder`, `/build/dockerfilePath`, `/source/repo`,
  `/source/branch`, `/source/image`, `/source/rootDirectory`;
and variables (`env` / `variables`) by name, with `Entry.origin` saying how the value is given:
  literal        a string in the file (value known, line known)
  preserve       `preserve()`: the value is kept in Railway (value None)
  reference      `db.env.DATABASE_URL`, `ref(db, "X")`, `ctx.shared.X` (value rendered as the
                 `${{ db.DATABASE_URL }}` template Railway resolves) or a `${{ … }}` string
  generated      `ctx.randomString()` or a VariableConfig `generator` (value None)
  environment    depends on the environment (`ctx.isEnvironment("production") ? a : b`):
                 the value for the environment being checked
  unresolvable   computed, imported, spread of something unknown (value None)

Evaluation is for one environment: the Source's (`production` when nobody names one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from etc_policy.model import Diagnostic, Entry, Source, SourceKind
from etc_policy.record import field, record
from etc_policy.sources.railway_config import read_text

SYNTAX = "railway-iac.syntax"
UNRESOLVABLE = "railway-iac.unresolvable"
NOT_READ = "railway-iac.not-read"
UNKNOWN_OPTION = "railway-iac.unknown-option"
CONTEXT_BRANCH = "railway-iac.context-branch"

DEFAULT_ENVIRONMENT = "production"
SDK_MODULE = "railway/iac"
ORIGINS = ("literal", "preserve", "reference", "generated", "environment", "unresolvable")
DATABASES = frozenset({"postgres", "redis", "mysql", "mongo"})
_OTHER_RESOURCES = frozenset({"volume", "bucket", "group", "template"})
_MAX_DEPTH = 60          # nested calls/bindings: a cycle (`const a = b, b = a`) stops here

# Service options → the railway.json pointer they set, as the SDK's `IntentServiceConfig`,
# `DeployConfig`, `BuildConfig` and `ServiceSource` types (railway 3.11.0) spell them.
_FLAT = {
    "healthcheck": "/deploy/healthcheckPath", "healthcheckPath": "/deploy/healthcheckPath",
    "healthcheckTimeout": "/deploy/healthcheckTimeout",
    "start": "/deploy/startCommand", "startCommand": "/deploy/startCommand",
    "preDeploy": "/deploy/preDeployCommand", "preDeployCommand": "/deploy/preDeployCommand",
    "root": "/source/rootDirectory", "rootDirectory": "/source/rootDirectory",
}
_DEPLOY = {name: f"/deploy/{name}" for name in (
    "startCommand", "preDeployCommand", "numReplicas", "healthcheckPath", "healthcheckTimeout",
    "sleepApplication", "runtime", "restartPolicyType", "restartPolicyMaxRetries",
    "cronSchedule", "region", "requiredMountPath", "overlapSeconds", "drainingSeconds")}
_RUN = {"command": "/deploy/startCommand", "preDeploy": "/deploy/preDeployCommand",
        "healthcheck": "/deploy/healthcheckPath",
        "healthcheckTimeout": "/deploy/healthcheckTimeout"}
_BUILD = {name: f"/build/{name}" for name in (
    "builder", "buildCommand", "dockerfilePath", "watchPatterns", "buildEnvironment")}
_SOURCE = {name: f"/source/{name}" for name in ("repo", "image", "branch", "rootDirectory")}
# The other keys each nested type declares (read, not mapped to a pointer): anything beyond
# these is dropped by the SDK, like an unknown service option.
_KNOWN_NESTED = {
    "deploy": {*_DEPLOY, "registryCredentials", "multiRegionConfig", "limitOverride",
               "useLegacyStacker", "ipv6EgressEnabled"},
    "build": {*_BUILD, "nixpacksConfigPath", "nixpacksPlan", "nixpacksVersion", "railpackVersion"},
    "run": set(_RUN),
    "source": {*_SOURCE, "type", "template", "commitSha", "upstreamUrl", "checkSuites",
               "autoUpdates"},
}
# Every option of `IntentServiceConfig`; anything else is dropped by the SDK without a word
# (`port`, `volumes`): worth telling.
KNOWN_OPTIONS = frozenset({
    *_FLAT, "source", "build", "deploy", "run", "replicas", "regions", "networking",
    "domains", "tcp", "tcpProxies", "env", "variables", "volumeMounts", "configFile",
    "parentServiceId", "groupId", "clusterRole", "replicaConfig", "clusterDisplay",
})


# --- values of the evaluated subset ----------------------------------------------------------

@record
class Unknown:
    """A value only running the program would tell: why, and where."""
    reason: str
    line: int
    column: int


@record
class Preserve:
    pass


@record
class Reference:
    resource: str        # the resource's name as Railway knows it (`Postgres`, `db`)
    output: str          # DATABASE_URL
    shared: bool = False  # ctx.shared.X

    def template(self) -> str:
        return f"${{{{ {'shared' if self.shared else self.resource}.{self.output} }}}}"


@record
class Generated:
    pass


@record
class EnvDependent:
    """A value that holds for the environment being evaluated, and may differ in others."""
    value: object


@record
class Member:
    key: str
    key_node: Any = field(repr=False)
    value_node: Any = field(repr=False)
    value: object = field(repr=False)


@record
class Obj:
    members: tuple[Member, ...]
    complete: bool = True          # False: a spread or key could not be read (keys may be missing)

    def get(self, key: str) -> Member | None:
        found = None
        for member in self.members:
            if member.key == key:
                found = member   # the last one wins, as in JavaScript
        return found


@record
class Resource:
    kind: str                      # service, postgres, redis, volume…
    name: object                   # str, or Unknown
    options: object = field(repr=False)
    node: Any = field(repr=False)  # the call, for its line


@record
class SourceRef:
    kind: str                      # github / image
    value: object
    options: object = field(repr=False, default=None)


@record
class Closure:
    node: Any = field(repr=False)
    scope: Any = field(repr=False)


@record
class Builtin:
    name: str                      # the SDK export it stands for


@record
class ProjectValue:
    name: object
    resources: object


class _Context:
    """`ctx`: the RailwayContext the SDK passes to the program."""


class _Shared:
    """`ctx.shared`."""


_UNDEFINED = object()
_CONTEXT = _Context()
_SHARED = _Shared()


# --- the loader ------------------------------------------------------------------------------

def load_railway_iac(path: Path, *, display_path: str,
                     environment: str | None = None) -> tuple[Source, ...]:
    """One Source per service of the file (at least one: diagnostics need a home)."""
    environment = environment or DEFAULT_ENVIRONMENT
    text, bad_utf8 = read_text(path, display_path=display_path)
    if path.suffix.lower() not in {".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"}:
        message = (f"{path.name} is not read yet (only railway.ts / .js / .mjs are): its "
                   "services, health checks and variables were not checked")
        return (_file_source(display_path, environment, text, [Diagnostic(NOT_READ, message, 1)]),)
    if bad_utf8 is not None:
        diagnostic = Diagnostic(SYNTAX, "invalid UTF-8 (the file must be UTF-8 encoded)", *bad_utf8)
        return (_file_source(display_path, environment, text, [diagnostic]),)
    reader = _Reader(text, environment=environment, typescript=path.suffix.lower() in {".ts", ".mts", ".cts"})
    services = reader.read()
    resources = dict(reader.resources)   # which resource each name is (`db` → postgres)
    diagnostics = sorted(reader.diagnostics, key=lambda d: (d.line, d.column, d.code))
    if not services:
        return (_file_source(display_path, environment, text, diagnostics),)
    sources = []
    for index, service in enumerate(services):
        sources.append(Source(path=display_path, kind=SourceKind.RAILWAY_IAC,
                              environment=environment, entries=tuple(service.entries),
                              diagnostics=tuple(diagnostics) if index == 0 else (), text=text,
                              document={"resources": resources, "iac_variables": service.variables},
                              service=service.name, origin_line=service.line))
    return tuple(sources)


def _file_source(path: str, environment: str, text: str, diagnostics: list[Diagnostic]) -> Source:
    return Source(path=path, kind=SourceKind.RAILWAY_IAC, environment=environment,
                  diagnostics=tuple(diagnostics), text=text)


@record(frozen=False)
class ServiceRead:
    name: str
    line: int
    entries: list[Entry] = field(default_factory=list)
    # Whether the service says which variables it has: "none" (no env block: they live in
    # Railway), "declared", or "partial" (a spread or key only running the program would give).
    variables: str = "none"


def parse(text: str, *, typescript: bool = True):  # -> tree_sitter.Tree
    """tree-sitter's TypeScript grammar (a .js file is valid TypeScript for what we read)."""
    import tree_sitter
    import tree_sitter_typescript

    language = tree_sitter.Language(tree_sitter_typescript.language_typescript())
    return tree_sitter.Parser(language).parse(text.encode("utf-8"))


# --- the reader ------------------------------------------------------------------------------

class _Scope:
    def __init__(self, parent: "_Scope | None" = None) -> None:
        self.parent = parent
        self.pending: dict[str, Any] = {}     # name -> the node of its initialiser
        self.values: dict[str, object] = {}

    def bind_value(self, name: str, value: object) -> None:
        self.values[name] = value

    def find(self, name: str) -> "_Scope | None":
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.values or name in scope.pending:
                return scope
            scope = scope.parent
        return None


class _Reader:
    def __init__(self, text: str, *, environment: str, typescript: bool) -> None:
        self.text = text
        self.data = text.encode("utf-8")
        self.lines = self.data.split(b"\n")
        self.environment = environment
        self.typescript = typescript
        self.diagnostics: list[Diagnostic] = []
        self._reported: set[tuple[int, int, str]] = set()
        self._depth = 0
        self.resources: dict[str, str] = {}            # the project's resources: name -> kind

    # -- positions --
    def position(self, node: Any) -> tuple[int, int]:
        row, byte_column = node.start_point
        line = self.lines[row] if row < len(self.lines) else b""
        return row + 1, len(line[:byte_column].decode("utf-8", "replace")) + 1

    def end_position(self, node: Any) -> tuple[int, int]:
        row, byte_column = node.end_point
        line = self.lines[row] if row < len(self.lines) else b""
        return row + 1, len(line[:byte_column].decode("utf-8", "replace")) + 1

    def unknown(self, node: Any, reason: str) -> Unknown:
        return Unknown(reason, *self.position(node))

    def note(self, code: str, message: str, node: Any, key: str | None = None) -> None:
        line, column = self.position(node)
        if (line, column, code) in self._reported:
            return  # a factory called four times reports its line once
        self._reported.add((line, column, code))
        self.diagnostics.append(Diagnostic(code, message, line, column, key=key))

    # -- the program --
    def read(self) -> list[ServiceRead]:
        tree = parse(self.text, typescript=self.typescript)
        root = tree.root_node
        if root.has_error:
            bad = _first_error(root)
            line, column = self.position(bad)
            what = f"missing {bad.type}" if bad.is_missing else "unexpected syntax"
            self.diagnostics.append(Diagnostic(SYNTAX, f"not valid TypeScript: {what}", line, column))
            return []
        scope = _Scope()
        default = self._module(root, scope)
        if default is None:
            self.diagnostics.append(Diagnostic(UNRESOLVABLE, "no `export default` found: the "
                                               "file describes no project", 1, 1))
            return []
        result = self._run_program(default[0], default[1], scope)
        if isinstance(result, Unknown):
            self.diagnostics.append(Diagnostic(UNRESOLVABLE, f"the project could not be read "
                                               f"statically: {result.reason}", result.line,
                                               result.column))
            return []
        return self._project_services(result, default[1])

    def _module(self, root: Any, scope: _Scope) -> tuple[object, Any] | None:
        default = None
        for statement in root.named_children:
            if statement.type == "import_statement":
                self._import(statement, scope)
            elif statement.type == "export_statement":
                value_node = statement.child_by_field_name("value")
                declaration = statement.child_by_field_name("declaration")
                if declaration is not None:
                    self._declare(declaration, scope)
                elif value_node is not None and _is_default(statement):
                    default = (self.eval(value_node, scope), value_node)
            else:
                self._declare(statement, scope)
        return default

    def _import(self, statement: Any, scope: _Scope) -> None:
        module_node = statement.child_by_field_name("source")
        module = _string_text(module_node) if module_node is not None else "another module"
        for clause in _children(statement, "import_clause"):
            for specifier in _descendants(clause, "import_specifier"):
                name = specifier.child_by_field_name("name")
                local = _text(specifier.child_by_field_name("alias") or name)
                scope.bind_value(local, Builtin(_text(name)) if module == SDK_MODULE else
                                 self.unknown(specifier, f"`{local}` is imported from {module}"))
            for node in (*_children(clause, "identifier"),
                         *(i for n in _children(clause, "namespace_import") for i in _children(n, "identifier"))):
                scope.bind_value(_text(node), self.unknown(node, f"`{_text(node)}` is imported from {module}"))

    def _declare(self, statement: Any, scope: _Scope) -> None:
        if statement.type in {"lexical_declaration", "variable_declaration"}:
            for declarator in _children(statement, "variable_declarator"):
                name = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if name is None or name.type != "identifier":
                    continue  # destructuring: its names stay unknown (looked up → unresolvable)
                scope.pending[_text(name)] = value
        elif statement.type == "function_declaration":
            name = statement.child_by_field_name("name")
            if name is not None:
                scope.bind_value(_text(name), Closure(statement, scope))

    def _run_program(self, default: object, node: Any, scope: _Scope) -> object:
        program = default
        if isinstance(program, Closure):
            return self.call(program, [_CONTEXT, Builtin("project")], node)
        if isinstance(program, Obj | ProjectValue):
            return program
        if isinstance(program, Unknown):
            return program
        return self.unknown(node, "the default export is not a program")

    # -- evaluation --
    def eval(self, node: Any | None, scope: _Scope) -> object:
        if node is None:
            return _UNDEFINED
        self._depth += 1
        try:
            if self._depth > _MAX_DEPTH:
                return self.unknown(node, "nested too deeply")
            handler = _HANDLERS.get(node.type)
            if handler is None:
                return self.unknown(node, f"computed value ({node.type.replace('_', ' ')})")
            return handler(self, node, scope)
        finally:
            self._depth -= 1

    def lookup(self, node: Any, scope: _Scope) -> object:
        name = _text(node)
        if name == "undefined":
            return _UNDEFINED
        owner = scope.find(name)
        if owner is None:
            return self.unknown(node, f"`{name}` is not defined in this file")
        if name not in owner.values:
            initialiser = owner.pending.pop(name)
            owner.values[name] = self.unknown(node, f"`{name}` refers to itself")
            owner.values[name] = self.eval(initialiser, owner)
        return owner.values[name]

    def call(self, function: object, args: list[object], node: Any) -> object:
        if isinstance(function, Builtin):
            return self._builtin(function.name, args, node)
        if isinstance(function, Closure):
            return self._apply(function, args, node)
        if isinstance(function, Unknown):
            return function
        if isinstance(function, _Member):
            return function.call(self, args, node)
        return self.unknown(node, "call of something that is not a function of this file")

    def _apply(self, closure: Closure, args: list[object], node: Any) -> object:
        function = closure.node
        scope = _Scope(closure.scope)
        parameters = function.child_by_field_name("parameters")
        single = function.child_by_field_name("parameter")
        names: list[Any] = [single] if single is not None else []
        if parameters is not None:
            names = [p.child_by_field_name("pattern") or p for p in parameters.named_children]
        for index, name in enumerate(names):
            if name is not None and name.type == "identifier":
                scope.bind_value(_text(name), args[index] if index < len(args) else _UNDEFINED)
        body = function.child_by_field_name("body")
        if body is None:
            return self.unknown(node, "function without a body")
        if body.type != "statement_block":
            return self.eval(body, scope)
        for statement in body.named_children:
            if statement.type == "return_statement":
                returned = statement.named_children
                return self.eval(returned[0], scope) if returned else _UNDEFINED
            if statement.type in {"lexical_declaration", "variable_declaration", "function_declaration"}:
                self._declare(statement, scope)
            elif statement.type not in {"comment", "expression_statement", "empty_statement"}:
                return self.unknown(statement, f"the function's result depends on "
                                               f"{statement.type.replace('_', ' ')}")
        return _UNDEFINED

    def _builtin(self, name: str, args: list[object], node: Any) -> object:
        first = args[0] if args else _UNDEFINED
        second = args[1] if len(args) > 1 else _UNDEFINED
        if name == "defineRailway":
            return first
        if name == "project":
            resources = second.get("resources") if isinstance(second, Obj) else None
            return ProjectValue(first, resources.value if resources else ())
        if name == "service" or name in DATABASES or name in _OTHER_RESOURCES:
            return Resource(name, first, second, node)
        if name in {"github", "image"}:
            return SourceRef(name, first, second)
        if name == "preserve":
            return Preserve()
        if name == "ref":
            if isinstance(first, Resource) and isinstance(first.name, str) and isinstance(second, str):
                return Reference(first.name, second)
            return self.unknown(node, "ref() of something not known here")
        return self.unknown(node, f"`{name}()` from {SDK_MODULE} is not read statically")

    # -- the project's services --
    def _project_services(self, project: object, node: Any) -> list[ServiceRead]:
        resources = project.resources if isinstance(project, ProjectValue) else None
        if isinstance(project, Obj):
            member = project.get("resources")
            resources = member.value if member else ()
        if isinstance(resources, Unknown):
            self.diagnostics.append(Diagnostic(UNRESOLVABLE, f"the project's resources could "
                                               f"not be read: {resources.reason}",
                                               resources.line, resources.column))
            return []
        services = []
        for resource in resources if isinstance(resources, tuple) else ():
            if isinstance(resource, Resource) and isinstance(resource.name, str):
                self.resources[resource.name] = resource.kind
            read = self._resource(resource)
            if read is not None:
                services.append(read)
        return services

    def _resource(self, resource: object) -> ServiceRead | None:
        if isinstance(resource, Unknown):
            self.diagnostics.append(Diagnostic(UNRESOLVABLE, f"a resource could not be read: "
                                               f"{resource.reason}", resource.line, resource.column))
            return None
        if isinstance(resource, Obj):   # a raw graph node: {address, type: "service", name}
            kind, name = resource.get("type"), resource.get("name")
            if kind and kind.value == "service" and name and isinstance(name.value, str):
                return ServiceRead(name.value, self.position(name.value_node)[0])
            return None
        if not isinstance(resource, Resource) or resource.kind != "service":
            return None
        if not isinstance(resource.name, str):
            self.note(UNRESOLVABLE, "a service name is not known statically", resource.node)
            return None
        read = ServiceRead(resource.name, self.position(resource.node)[0])
        if isinstance(resource.options, Obj):
            _ServiceEntries(self, read).options(resource.options)
        elif isinstance(resource.options, Unknown):
            self.note(UNRESOLVABLE, f"the service's options could not be read: "
                                    f"{resource.options.reason}", resource.node)
        return read


class _Member:
    """A method or property of the context: `ctx.isEnvironment`, `ctx.randomString`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def call(self, reader: _Reader, args: list[object], node: Any) -> object:
        if self.name == "isEnvironment":
            name = _plain(args[0]) if args else None
            if not isinstance(name, str):
                return reader.unknown(node, "isEnvironment() of a name not known here")
            reader.note(CONTEXT_BRANCH, "the program branches on the environment "
                        "(ctx.isEnvironment): read here for the checked environment; the "
                        "Railway CLI evaluates it with an empty context (`{}`), where this call "
                        "throws", node)
            return EnvDependent(reader.environment == name)
        if self.name == "randomString":
            return Generated()
        return reader.unknown(node, f"ctx.{self.name}() is not read statically")


# --- the service's entries -------------------------------------------------------------------

class _ServiceEntries:
    def __init__(self, reader: _Reader, read: ServiceRead) -> None:
        self.reader = reader
        self.read = read

    def options(self, options: Obj) -> None:
        for member in options.members:
            key = member.key
            if key in _FLAT:
                self.config(_FLAT[key], member)
            elif key == "deploy":
                self.nested(member, _DEPLOY, "deploy")
            elif key == "run":
                self.nested(member, _RUN, "run")
            elif key == "build":
                if isinstance(_plain(member.value), str):
                    self.config("/build/buildCommand", member)
                else:
                    self.nested(member, _BUILD, "build")
            elif key == "source":
                self.source(member)
            elif key in {"replicas", "regions"}:
                self.replicas(member)
            elif key in {"env", "variables"}:
                self.variables(member)
            elif key not in KNOWN_OPTIONS:
                self.reader.note(UNKNOWN_OPTION, f"`{key}` is not a service option of the SDK; "
                                 "Railway drops it without a word",
                                 member.key_node, key=key)

    def nested(self, member: Member, pointers: dict[str, str], label: str) -> None:
        value = member.value
        if isinstance(value, Unknown):
            self.unresolvable(member, label, value)
            return
        if not isinstance(value, Obj):
            return
        known = _KNOWN_NESTED.get(label)
        for inner in value.members:
            if known is not None and inner.key not in known:
                self.reader.note(UNKNOWN_OPTION, f"`{label}.{inner.key}` is not an option of the "
                                 "SDK; Railway drops it without a word", inner.key_node,
                                 key=f"{label}.{inner.key}")
            elif inner.key in pointers:
                self.config(pointers[inner.key], inner)
            elif label == "deploy" and inner.key == "registryCredentials":
                self.nested(inner, {"username": "/deploy/registryCredentials/username",
                                    "password": "/deploy/registryCredentials/password"},
                            "registryCredentials")
            elif label == "deploy" and inner.key == "multiRegionConfig" and isinstance(inner.value, Obj):
                for region in inner.value.members:
                    self.region_replicas(region, _plain(region.value))

    def source(self, member: Member) -> None:
        value = _plain(member.value)
        if isinstance(value, SourceRef):
            pointer = "/source/repo" if value.kind == "github" else "/source/image"
            self.add(pointer, member, value.value)
            if isinstance(value.options, Obj) and (branch := value.options.get("branch")):
                self.config("/source/branch", branch)
        elif isinstance(value, Obj):
            self.nested(member, _SOURCE, "source")
        elif isinstance(value, Unknown):
            self.unresolvable(member, "source", value)

    def replicas(self, member: Member) -> None:
        value = _plain(member.value)
        if isinstance(value, Obj):
            for region in value.members:
                self.region_replicas(region, _plain(region.value))
        else:
            self.config("/deploy/numReplicas", member)

    def region_replicas(self, region: Member, value: object) -> None:
        if isinstance(value, Obj):   # RegionConfig {count | replicas} or railway.json's {numReplicas}
            count = value.get("count") or value.get("replicas") or value.get("numReplicas")
            if count is not None:
                self.config(f"/deploy/multiRegionConfig/{_escape(region.key)}/numReplicas", count)
            return
        self.config(f"/deploy/multiRegionConfig/{_escape(region.key)}/numReplicas", region)

    def config(self, pointer: str, member: Member) -> None:
        value = _plain(member.value)
        if isinstance(value, Unknown):
            self.unresolvable(member, pointer, value)
            self.add(pointer, member, None, origin="unresolvable")
            return
        if value is _UNDEFINED:
            return  # `x ? "cmd" : undefined`: not set, as the SDK sees it
        if isinstance(value, Obj | Resource | SourceRef | Closure):
            return  # an object where a scalar is expected: the schema rules are railway.json's
        origin = "environment" if isinstance(member.value, EnvDependent) else "literal"
        self.add(pointer, member, _json(value), origin=origin)

    def variables(self, member: Member) -> None:
        value = member.value
        if isinstance(value, Unknown):
            self.read.variables = "partial"
            self.unresolvable(member, member.key, value)
            return
        if not isinstance(value, Obj):
            return
        self.read.variables = "declared" if value.complete else "partial"
        for variable in value.members:
            self.variable(variable)

    def variable(self, member: Member) -> None:
        value, sealed = member.value, None
        inner = _plain(value)
        if isinstance(inner, Obj):      # VariableConfig {value, isSealed, generator, …}
            sealed_member = inner.get("isSealed")
            sealed = _plain(sealed_member.value) if sealed_member else None
            sealed = sealed if isinstance(sealed, bool) else None
            if inner.get("generator") is not None:
                self.add(member.key, member, None, origin="generated", sealed=sealed)
                return
            if (preserve := inner.get("preserveExisting")) and _plain(preserve.value) is True:
                self.add(member.key, member, None, origin="preserve", sealed=sealed)
                return
            held = inner.get("value")
            if held is None:
                return
            value = held.value
            member = Member(member.key, member.key_node, held.value_node, value)
        origin, text = self.classify(member, value)
        if origin is not None:
            self.add(member.key, member, text, origin=origin, sealed=sealed)

    def classify(self, member: Member, value: object) -> tuple[str | None, str | None]:
        depends = isinstance(value, EnvDependent)
        inner = _plain(value)
        if inner is _UNDEFINED:
            return None, None
        if isinstance(inner, Preserve):
            return "preserve", None
        if isinstance(inner, Generated):
            return "generated", None
        if isinstance(inner, Reference):
            return "reference", inner.template()
        if isinstance(inner, str):
            if "${{" in inner and not depends:
                return "reference", inner
            return ("environment" if depends else "literal"), inner
        if isinstance(inner, Unknown):
            self.unresolvable(member, member.key, inner)
            return "unresolvable", None
        what = "a number" if isinstance(inner, int | float) and not isinstance(inner, bool) else \
            "not a string"
        self.reader.note(UNRESOLVABLE, f"{member.key}: the value is {what}; the SDK's types ask "
                         "for a string", member.value_node, key=member.key)
        return "unresolvable", None

    def unresolvable(self, member: Member, key: str, value: Unknown) -> None:
        self.reader.diagnostics.append(Diagnostic(
            UNRESOLVABLE, f"{key} is not known without running the program ({value.reason})",
            *self.reader.position(member.value_node), key=key))

    def add(self, key: str, member: Member, value: object, *, origin: str = "literal",
            sealed: bool | None = None) -> None:
        reader = self.reader
        line, column = reader.position(member.key_node)
        value_line, value_column = reader.position(member.value_node)
        if member.value_node.type in {"string", "template_string"}:
            value_column += 1           # after the opening quote, as for the other sources
        end_line, end_column = reader.end_position(member.value_node)
        self.read.entries.append(Entry(
            key=key, value=value, line=line, column=column, value_line=value_line,
            value_column=value_column, end_line=end_line, end_column=end_column,
            service=self.read.name, sealed=sealed, origin=origin))


# --- node handlers ---------------------------------------------------------------------------

def _piece(reader: _Reader, child: Any) -> str | Unknown | None:
    """The text of a string's fragment or escape; None for any other child."""
    if child.type == "string_fragment":
        return _text(child)
    if child.type == "escape_sequence":
        decoded = _escape_sequence(_text(child))
        return reader.unknown(child, "an escape sequence not read here") if decoded is None else decoded
    return None


def _string(reader: _Reader, node: Any, scope: _Scope) -> object:
    """A quoted string: a template literal without substitutions, read the same way."""
    return _template(reader, node, scope)


def _template(reader: _Reader, node: Any, scope: _Scope) -> object:
    parts: list[str] = []
    depends = False
    for child in node.named_children:
        piece = _piece(reader, child)
        if isinstance(piece, Unknown):
            return piece
        if piece is not None:
            parts.append(piece)
        elif child.type == "template_substitution":
            inner = child.named_children
            value = reader.eval(inner[0], scope) if inner else _UNDEFINED
            depends = depends or isinstance(value, EnvDependent)
            value = _plain(value)
            if isinstance(value, Unknown):
                return value
            if isinstance(value, bool | int | float) or isinstance(value, str):
                parts.append(_js_string(value))
            else:
                return reader.unknown(child, "a template substitution not known here")
    text = "".join(parts)
    return EnvDependent(text) if depends else text


def _number(reader: _Reader, node: Any, scope: _Scope) -> object:
    raw = _text(node).replace("_", "")
    try:
        return int(raw, 0) if raw.isdigit() or raw[:2].lower() in {"0x", "0o", "0b"} else float(raw)
    except ValueError:
        return reader.unknown(node, "a number not read here")


def _object(reader: _Reader, node: Any, scope: _Scope) -> object:
    members: list[Member] = []
    complete = True
    for child in node.named_children:
        if child.type == "pair":
            key_node = child.child_by_field_name("key")
            value_node = child.child_by_field_name("value")
            key = _property_name(reader, key_node, scope)
            if not isinstance(key, str):
                reader.note(UNRESOLVABLE, "a computed key is not known without running the "
                            "program", key_node)
                complete = False
                continue
            members.append(Member(key, key_node, value_node, reader.eval(value_node, scope)))
        elif child.type == "shorthand_property_identifier":
            members.append(Member(_text(child), child, child, reader.lookup(child, scope)))
        elif child.type == "spread_element":
            spread = reader.eval(child.named_children[0], scope) if child.named_children else None
            spread = _plain(spread)
            if isinstance(spread, Obj):
                members.extend(spread.members)
                complete = complete and spread.complete
            else:
                complete = False
                reason = spread.reason if isinstance(spread, Unknown) else "not an object of this file"
                reader.note(UNRESOLVABLE, f"spread `{_text(child)}` is not known without running "
                            f"the program ({reason}); its keys were not checked", child)
        elif child.type != "comment":
            reader.note(UNRESOLVABLE, f"a {child.type.replace('_', ' ')} in an object is not "
                        "read statically", child)
    return Obj(tuple(members), complete)


def _property_name(reader: _Reader, node: Any, scope: _Scope) -> object:
    if node.type in {"property_identifier", "identifier"}:
        return _text(node)
    if node.type == "string":
        return _string(reader, node, scope)
    if node.type == "number":
        value = _number(reader, node, scope)
        return _js_string(value) if isinstance(value, int | float) else value
    if node.type == "computed_property_name" and node.named_children:
        value = _plain(reader.eval(node.named_children[0], scope))
        return value if isinstance(value, str) else None
    return None


def _array(reader: _Reader, node: Any, scope: _Scope) -> object:
    items: list[object] = []
    for child in node.named_children:
        if child.type == "comment":
            continue
        if child.type == "spread_element":
            spread = _plain(reader.eval(child.named_children[0], scope)) if child.named_children else None
            if not isinstance(spread, tuple):
                return reader.unknown(child, "spread of an array not known here")
            items.extend(spread)
            continue
        items.append(reader.eval(child, scope))
    return tuple(items)


def _identifier(reader: _Reader, node: Any, scope: _Scope) -> object:
    return reader.lookup(node, scope)


def _member(reader: _Reader, node: Any, scope: _Scope) -> object:
    target = reader.eval(node.child_by_field_name("object"), scope)
    prop = node.child_by_field_name("property")
    name = _text(prop) if prop is not None else ""
    return _property(reader, target, name, node)


def _subscript(reader: _Reader, node: Any, scope: _Scope) -> object:
    target = reader.eval(node.child_by_field_name("object"), scope)
    index = _plain(reader.eval(node.child_by_field_name("index"), scope))
    if not isinstance(index, str):
        return reader.unknown(node, "an index not known here")
    return _property(reader, target, index, node)


def _property(reader: _Reader, target: object, name: str, node: Any) -> object:
    if isinstance(target, Unknown):
        return target
    if target is _CONTEXT:
        if name in {"environmentName", "environment"}:
            return EnvDependent(reader.environment)
        if name == "shared":
            return _SHARED
        if name == "projectName":
            return reader.unknown(node, "ctx.projectName")
        return _Member(name)
    if target is _SHARED:
        return Reference("shared", name, shared=True)
    if isinstance(target, _Env):
        return Reference(target.resource, name)
    if isinstance(target, Resource) and name == "env":
        if isinstance(target.name, str):
            return _Env(target.name)
        return reader.unknown(node, "a resource whose name is not known here")
    if isinstance(target, Obj):
        member = target.get(name)
        return member.value if member is not None else _UNDEFINED
    return reader.unknown(node, f"property `{name}` of a value not known here")


class _Env:
    """`db.env`: the typed outputs of a resource."""

    def __init__(self, resource: str) -> None:
        self.resource = resource


def _call(reader: _Reader, node: Any, scope: _Scope) -> object:
    function = reader.eval(node.child_by_field_name("function"), scope)
    arguments = node.child_by_field_name("arguments")
    args = []
    for arg in arguments.named_children if arguments is not None else ():
        if arg.type == "comment":
            continue
        if arg.type == "spread_element":
            return reader.unknown(arg, "a call with spread arguments")
        args.append(reader.eval(arg, scope))
    if isinstance(function, Unknown):
        return reader.unknown(node, f"the result of a call: {function.reason}")
    return reader.call(function, args, node)


def _ternary(reader: _Reader, node: Any, scope: _Scope) -> object:
    condition = reader.eval(node.child_by_field_name("condition"), scope)
    truth = _truth(condition)
    if truth is None:
        return reader.unknown(node, "a condition not known without running the program")
    branch = node.child_by_field_name("consequence" if truth else "alternative")
    value = reader.eval(branch, scope)
    if isinstance(condition, EnvDependent) and not isinstance(value, EnvDependent | Unknown):
        return EnvDependent(value)
    return value


def _binary(reader: _Reader, node: Any, scope: _Scope) -> object:
    operator = _text(node.child_by_field_name("operator"))
    left = reader.eval(node.child_by_field_name("left"), scope)
    depends = isinstance(left, EnvDependent)
    if operator in {"||", "&&", "??"}:
        truth = _truth(left)
        plain = _plain(left)
        if isinstance(plain, Unknown):
            return plain
        if truth is None:
            return reader.unknown(node, "a condition not known without running the program")
        keep_left = (operator == "||" and truth) or (operator == "&&" and not truth) or \
            (operator == "??" and plain not in (None, _UNDEFINED))
        result = left if keep_left else reader.eval(node.child_by_field_name("right"), scope)
    else:
        right = reader.eval(node.child_by_field_name("right"), scope)
        depends = depends or isinstance(right, EnvDependent)
        a, b = _plain(left), _plain(right)
        if isinstance(a, Unknown):
            return a
        if isinstance(b, Unknown):
            return b
        result = _operate(operator, a, b)
        if result is None:
            return reader.unknown(node, f"computed value (`{operator}`)")
    if depends and not isinstance(result, EnvDependent | Unknown):
        return EnvDependent(result)
    return result


def _operate(operator: str, a: object, b: object) -> object | None:
    primitive = (str, int, float, bool, type(None))
    if operator in {"===", "!==", "==", "!="} and isinstance(a, primitive) and isinstance(b, primitive):
        same = type(a) is type(b) and a == b
        return same if operator in {"===", "=="} else not same
    if operator == "+" and isinstance(a, str) and isinstance(b, str | int | float | bool):
        return a + _js_string(b)
    if operator == "+" and isinstance(b, str) and isinstance(a, int | float | bool):
        return _js_string(a) + b
    return None


def _unary(reader: _Reader, node: Any, scope: _Scope) -> object:
    operator = _text(node.child_by_field_name("operator"))
    value = reader.eval(node.child_by_field_name("argument"), scope)
    if operator != "!":
        return reader.unknown(node, f"computed value (`{operator}`)")
    truth = _truth(value)
    if truth is None:
        return reader.unknown(node, "a condition not known without running the program")
    return EnvDependent(not truth) if isinstance(value, EnvDependent) else not truth


def _inner(reader: _Reader, node: Any, scope: _Scope) -> object:
    """`(x)`, `x as T`, `x satisfies T`, `x!`: the value of x."""
    children = [c for c in node.named_children if c.type != "comment"]
    return reader.eval(children[0], scope) if children else _UNDEFINED


def _function(reader: _Reader, node: Any, scope: _Scope) -> object:
    return Closure(node, scope)


def _constant(value: object) -> Callable[[_Reader, Any, _Scope], object]:
    return lambda reader, node, scope: value


_HANDLERS: dict[str, Callable[[_Reader, Any, _Scope], object]] = {
    "string": _string, "template_string": _template, "number": _number,
    "true": _constant(True), "false": _constant(False), "null": _constant(None),
    "undefined": _constant(_UNDEFINED),
    "object": _object, "array": _array, "identifier": _identifier,
    "member_expression": _member, "subscript_expression": _subscript,
    "call_expression": _call, "ternary_expression": _ternary,
    "binary_expression": _binary, "unary_expression": _unary,
    "parenthesized_expression": _inner, "as_expression": _inner,
    "satisfies_expression": _inner, "non_null_expression": _inner,
    "arrow_function": _function, "function_expression": _function, "function": _function,
}


# --- small helpers ---------------------------------------------------------------------------

def _plain(value: object) -> object:
    return value.value if isinstance(value, EnvDependent) else value


def _truth(value: object) -> bool | None:
    """JavaScript truthiness of a known value; None when it is not known."""
    value = _plain(value)
    if isinstance(value, Unknown | _Member) or value is _CONTEXT:
        return None
    if value is _UNDEFINED or value is None:
        return False
    if isinstance(value, bool | int | float | str):
        return bool(value)
    return True   # objects, arrays, resources are truthy


def _js_string(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _json(value: object) -> object:
    """A config value as railway.json would hold it (tuples become lists)."""
    if isinstance(value, tuple):
        return [_json(_plain(item)) for item in value]
    return value


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0",
            "\\": "\\", "'": "'", '"': '"', "`": "`", "$": "$", "\n": ""}


def _escape_sequence(raw: str) -> str | None:
    """The character a JavaScript escape stands for (`\\n`, `\\u0041`, `\\u{1F600}`, `\\x41`)."""
    body = raw[1:]
    if body in _ESCAPES:
        return _ESCAPES[body]
    try:
        if body.startswith("u{") and body.endswith("}"):
            return chr(int(body[2:-1], 16))
        if body[:1] in {"u", "x"}:
            return chr(int(body[1:], 16))
    except ValueError:
        return None
    return body if len(body) == 1 else None   # `\q` is `q` in JavaScript


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _text(node: Any) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def _string_text(node: Any) -> str:
    return "".join(_text(c) for c in node.named_children if c.type == "string_fragment")


def _is_default(statement: Any) -> bool:
    return any(child.type == "default" for child in statement.children)


def _children(node: Any, kind: str) -> Iterator[Any]:
    return (child for child in node.named_children if child.type == kind)


def _descendants(node: Any, kind: str) -> Iterator[Any]:
    for child in node.named_children:
        if child.type == kind:
            yield child
        yield from _descendants(child, kind)


def _first_error(node: Any) -> Any:
    """The first ERROR or MISSING node in document order (where the syntax breaks); a loop,
    not recursion: a file of 10,000 open brackets nests as deep."""
    while True:
        for child in node.children:
            if child.type == "ERROR" or child.is_missing:
                return child
            if child.has_error:
                node = child
                break
        else:
            return node
