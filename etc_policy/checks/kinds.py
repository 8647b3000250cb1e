"""The check kinds for values, sources and the workspace: KIND -> module.

Merged into `checks.REGISTRY` (checks/__init__.py). Each module documents its kind.
"""

from __future__ import annotations

from types import ModuleType

from etc_policy.checks import (
    boolean,
    cloudinary,
    cloudinary_url,
    committed_private_key,
    config_as_code_deprecation,
    drift,
    entropy,
    equals,
    forbidden,
    iac_migration,
    iac_reference,
    integer,
    jwt_secret,
    jwt_token,
    known_weak,
    length,
    literal_secret,
    not_one_of,
    one_of,
    placeholder,
    plaintext_at_rest,
    pointer_required,
    reference,
    regex,
    required,
    reuse,
    sealed,
    sops_metadata,
    template_secret,
    template_sync,
    url,
)

_MODULES: tuple[ModuleType, ...] = (
    # entry scope: one value at a time
    equals, one_of, not_one_of, regex, length, entropy, boolean, integer, url, placeholder,
    known_weak, jwt_secret, jwt_token, reference, sealed, cloudinary_url, template_secret,
    literal_secret, iac_reference,
    # source scope: one file at a time
    required, forbidden, cloudinary, pointer_required, config_as_code_deprecation, sops_metadata,
    # workspace scope: across files and environments
    drift, reuse, template_sync, committed_private_key, plaintext_at_rest, iac_migration,
)

KINDS: dict[str, ModuleType] = {module.KIND: module for module in _MODULES}
