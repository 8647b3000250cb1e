"""Loaded by every Python subprocess the tests start (PYTHONPATH points here): installs the
same no-network guard as tests/conftest.py, so `python -m etc_policy …` runs are offline too."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
try:
    import network_guard

    network_guard.install(log_path=os.environ.get("ETC_POLICY_NETWORK_LOG"))
finally:
    sys.path.pop(0)
