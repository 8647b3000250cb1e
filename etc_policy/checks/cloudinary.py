"""cloudinary: Cloudinary credentials must be complete and well-formed, in either form.

The Cloudinary SDKs read either `CLOUDINARY_URL=cloudinary://<api_key>:<api_secret>@<cloud_name>`
or the three variables CLOUDINARY_CLOUD_NAME, CLOUDINARY_API_KEY and CLOUDINARY_API_SECRET
(the separate variables win when CLOUDINARY_CLOUD_NAME is set). Findings:
  - a partial set of the separate variables with no usable CLOUDINARY_URL;
  - a CLOUDINARY_URL that is not `cloudinary://key:secret@cloud_name`;
  - an API key that is not 15 digits, a secret that is not 27 URL-safe characters, a cloud
    name that is not a name (patterns from trufflehog's Cloudinary detector; configurable);
  - both forms present but naming a different key, secret or cloud (compared in memory,
    never shown).
Railway references and sealed (hidden) values are taken as present and well-formed;
encrypted values that could not be decrypted leave the set unjudged.

Params:
  required: report when no Cloudinary credentials are set at all (default false)
  api_key_pattern / api_secret_pattern / cloud_name_pattern: full-match regexes

PASS: CLOUDINARY_URL=cloudinary://123456789012345:FAKEabcdefghijklmnopqrstuvw@demo-cloud
FAIL: CLOUDINARY_CLOUD_NAME=demo-cloud  CLOUDINARY_API_KEY=123456789012345  (no API secret)
"""

from __future__ import annotations

from typing import Iterator
from urllib.parse import unquote, urlsplit

from etc_policy.checks._common import Frozen, compile_pattern, present
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.model import Entry
from etc_policy.record import record
from etc_policy.schema import field_validator

KIND = "cloudinary"
SCOPE = "source"

URL_KEY = "CLOUDINARY_URL"
SEPARATE = ("CLOUDINARY_CLOUD_NAME", "CLOUDINARY_API_KEY", "CLOUDINARY_API_SECRET")
PARTS = ("cloud name", "API key", "API secret")


class Params(Frozen):
    required: bool = False
    api_key_pattern: str = r"[0-9]{15}"
    api_secret_pattern: str = r"[A-Za-z0-9_-]{27}"
    cloud_name_pattern: str = r"[A-Za-z][A-Za-z0-9_-]{1,63}"

    @field_validator("api_key_pattern", "api_secret_pattern", "cloud_name_pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        compile_pattern(pattern)
        return pattern

    def well_formed(self, part: int, value: str) -> bool:
        pattern = (self.cloud_name_pattern, self.api_key_pattern, self.api_secret_pattern)[part]
        return compile_pattern(pattern).fullmatch(value) is not None


@record
class Credentials:
    cloud_name: str | None
    api_key: str | None
    api_secret: str | None

    def parts(self) -> tuple[str | None, str | None, str | None]:
        return (self.cloud_name, self.api_key, self.api_secret)


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    if ctx.source is None:
        return
    entries = ctx.source.effective()
    if any(e.ciphertext is not None for k in (URL_KEY, *SEPARATE) if (e := entries.get(k))):
        return  # encrypted and no key given: nothing to judge (the engine's notice counts them)
    url = entries.get(URL_KEY) if present(entries.get(URL_KEY)) else None
    separate = {k: entries[k] for k in SEPARATE if present(entries.get(k))}
    if url is None and not separate:
        if params.required:
            yield Hit(message=f"no Cloudinary credentials: set {URL_KEY} or {', '.join(SEPARATE)}",
                      key=URL_KEY)
        return
    from_url: Credentials | None = None
    if url is not None:
        url_hits, from_url = inspect_url(url, params)
        yield from url_hits
    if separate:
        usable = url is not None and (from_url is not None or _opaque(url))
        yield from _check_separate(separate, url_usable=usable, params=params)
    if from_url is not None and len(separate) == len(SEPARATE):
        yield from _check_agree(from_url, separate, url)


def inspect_url(entry: Entry, params: Params) -> tuple[list[Hit], Credentials | None]:
    """Problems of CLOUDINARY_URL, and its credentials (None when it cannot be used)."""
    if _opaque(entry):
        return [], None
    credentials = parse_cloudinary_url(entry.value)
    if credentials is None:
        return [Hit(message=f"{URL_KEY} is not of the form "
                            "cloudinary://<api_key>:<api_secret>@<cloud_name>", entry=entry)], None
    hits: list[Hit] = []
    for index, value in enumerate(credentials.parts()):
        if not value:
            return [Hit(message=f"{URL_KEY} has no {PARTS[index]}", entry=entry)], None
        if "${{" not in value and not params.well_formed(index, value):
            hits.append(Hit(message=f"{URL_KEY} has a malformed {PARTS[index]}", entry=entry))
    return hits, credentials


def _check_separate(separate: dict[str, Entry], *, url_usable: bool, params: Params) -> Iterator[Hit]:
    missing = [k for k in SEPARATE if k not in separate]
    if missing and not url_usable:
        first = next(iter(separate.values()))
        yield Hit(message=f"incomplete Cloudinary credentials: {', '.join(missing)} missing "
                          f"(and no {URL_KEY})", entry=first)
    for index, key in enumerate(SEPARATE):
        entry = separate.get(key)
        if entry is not None and not _opaque(entry) and not params.well_formed(index, entry.value.strip()):
            yield Hit(message=f"{key} is not a well-formed {PARTS[index]}", entry=entry)


def _check_agree(from_url: Credentials, separate: dict[str, Entry], url: Entry) -> Iterator[Hit]:
    differing = [
        PARTS[i] for i, key in enumerate(SEPARATE)
        if not _opaque(separate[key]) and from_url.parts()[i] is not None
        and "${{" not in from_url.parts()[i] and from_url.parts()[i] != separate[key].value.strip()
    ]
    if differing:
        # The separate variables win in the SDKs, so CLOUDINARY_URL is the misleading one.
        yield Hit(message=f"{URL_KEY} and the CLOUDINARY_* variables disagree on the "
                          f"{', '.join(differing)}", entry=url)


def _opaque(entry: Entry) -> bool:
    """A value that cannot be judged here: sealed (hidden) or a Railway reference."""
    return entry.value is None or not isinstance(entry.value, str) or entry.value.strip().startswith("${{")


def parse_cloudinary_url(value: str) -> Credentials | None:
    """Split `cloudinary://key:secret@cloud[/…][?…]` as the Cloudinary SDK does; None if another shape."""
    text = value.strip()
    if not text.lower().startswith("cloudinary://"):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if "@" not in parts.netloc:
        return Credentials(cloud_name=parts.hostname or parts.netloc or None, api_key=None, api_secret=None)
    userinfo, _, host = parts.netloc.rpartition("@")
    key, _, secret = userinfo.partition(":")
    return Credentials(cloud_name=host or None, api_key=unquote(key) or None,
                       api_secret=unquote(secret) or None)
