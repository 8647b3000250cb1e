"""Secret rotation: the ledger (ledger.py), keyed slow fingerprints (fingerprints.py), the
state of every secret on a given day (status.py) and the changes a run records (record.py).

The ledger is safe to commit: it holds dates, keys and scrypt fingerprints under a random
per-ledger salt, never a value.
"""

# The ledger's file name in a project root (here, not in ledger.py: the rotation check finds
# the path on every run and opens the ledger module only when a ledger is there).
DEFAULT_NAME = ".etc-policy-ledger.json"
