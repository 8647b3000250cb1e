"""cloudinary_url: the value must be `cloudinary://<api_key>:<api_secret>@<cloud_name>`.

The entry-scope twin of `cloudinary` for a single variable (CLOUDINARY_URL or an app's own
name for it): scheme `cloudinary`, a 15-digit API key, a 27-character secret and a cloud
name (patterns configurable as in `cloudinary`). The URL is never shown.

Params:
  api_key_pattern / api_secret_pattern / cloud_name_pattern: as in `cloudinary`
  allow_reference, skip_templates: see ValueParams

PASS: CLOUDINARY_URL=cloudinary://123456789012345:FAKEabcdefghijklmnopqrstuvw@demo-cloud
FAIL: CLOUDINARY_URL=https://api.cloudinary.com/v1_1/demo
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import ValueParams, checked_value
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.cloudinary import PARTS, parse_cloudinary_url
from etc_policy.checks.cloudinary import Params as CloudinaryParams

KIND = "cloudinary_url"
SCOPE = "entry"


class Params(ValueParams):
    api_key_pattern: str = CloudinaryParams.model_fields["api_key_pattern"].default
    api_secret_pattern: str = CloudinaryParams.model_fields["api_secret_pattern"].default
    cloud_name_pattern: str = CloudinaryParams.model_fields["cloud_name_pattern"].default

    def patterns(self) -> CloudinaryParams:
        return CloudinaryParams(api_key_pattern=self.api_key_pattern,
                                api_secret_pattern=self.api_secret_pattern,
                                cloud_name_pattern=self.cloud_name_pattern)


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    value = checked_value(params, ctx)
    if value is None:
        return
    key = ctx.entry.key
    credentials = parse_cloudinary_url(value)
    if credentials is None:
        yield Hit(message=f"{key} is not of the form cloudinary://<api_key>:<api_secret>@<cloud_name>",
                  entry=ctx.entry)
        return
    patterns = params.patterns()
    for index, part in enumerate(credentials.parts()):
        if not part:
            yield Hit(message=f"{key} has no {PARTS[index]}", entry=ctx.entry)
            return
        if not patterns.well_formed(index, part):
            yield Hit(message=f"{key} has a malformed {PARTS[index]}", entry=ctx.entry)
            return
