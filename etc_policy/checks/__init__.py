"""The explicit registry of check kinds: KIND -> module. Docs and validation read it."""
