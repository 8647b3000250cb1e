"""jsonschema's Draft7Validator for our schemas, imported ~30 ms cheaper.

Our validators are built without a format checker, but `import jsonschema` registers every
format checker it can at import time, importing the optional libraries behind them
(isoduration with arrow and dateutil, rfc3986_validator, webcolors, idna…): about 30 ms of
its ~70. When jsonschema is not imported yet, we import it with those libraries hidden,
keep that copy to ourselves and take it back out of `sys.modules`, so that the next
`import jsonschema` anywhere in the process gets a fresh, complete one (every format
checker intact). When jsonschema is already imported, it is used as it is.

Validation itself is the same code either way: hiding the libraries only changes which
`format` values jsonschema's FormatChecker could check, and our validators have none.
"""

from __future__ import annotations

import sys
from typing import Any

# The imports jsonschema/_format.py makes inside `with suppress(ImportError)` (jsonschema 4.x).
OPTIONAL_FORMAT_LIBRARIES = ("fqdn", "idna", "rfc3987", "rfc3986_validator", "rfc3987_syntax",
                             "rfc3339_validator", "webcolors", "jsonpointer", "uri_template",
                             "isoduration")


def draft7_validator(schema: dict[str, Any]) -> Any:
    """A `jsonschema.Draft7Validator(schema)` (no format checker)."""
    if "jsonschema" in sys.modules:
        from jsonschema import Draft7Validator

        return Draft7Validator(schema)
    hidden = [name for name in OPTIONAL_FORMAT_LIBRARIES if name not in sys.modules]
    before = set(sys.modules)
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` raises ImportError
    try:
        from jsonschema import Draft7Validator

        return Draft7Validator(schema)
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
        for name in set(sys.modules) - before:
            if name == "jsonschema" or name.startswith("jsonschema."):
                del sys.modules[name]  # our copy: the next importer gets a complete one
