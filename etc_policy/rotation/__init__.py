"""Secret rotation: the ledger (ledger.py), keyed slow fingerprints (fingerprints.py), the
state of every secret on a given day (status.py) and the changes a run records (record.py).

The ledger is safe to commit: it holds dates, keys and scrypt fingerprints under a random
per-ledger salt, never a value.
"""
