"""Suite-wide: no test may reach the network (etc-policy's offline promise).

The guard (tests/offline/network_guard.py) is installed in this process and, through
PYTHONPATH + sitecustomize, in every Python subprocess the tests start. Attempts are logged
to a file; after each test the log must be empty, or the test fails naming the attempt.
Tools that legitimately fetch packages (pre-commit building its hook environment from the
package index) run in subprocesses that the pre-commit tests start with their own clean env.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

OFFLINE = Path(__file__).resolve().parent / "offline"
sys.path.insert(0, str(OFFLINE))
import network_guard  # noqa: E402

sys.path.pop(0)


@pytest.fixture(scope="session")
def network_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    log = tmp_path_factory.mktemp("offline") / "network-attempts.log"
    log.touch()
    os.environ["ETC_POLICY_NETWORK_LOG"] = str(log)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(OFFLINE), os.environ.get("PYTHONPATH", "")) if p)
    network_guard.install(log_path=str(log))
    return log


@pytest.fixture(scope="session", autouse=True)
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """etc-policy's caches (compiled packs) go to a per-session folder, not the user's
    ~/.cache; the canary tests read it to prove no value ever lands in a cache."""
    home = tmp_path_factory.mktemp("xdg-cache")
    os.environ["XDG_CACHE_HOME"] = str(home)
    return home


@pytest.fixture(autouse=True)
def _no_network(network_log: Path) -> object:
    before = network_log.stat().st_size
    yield
    with network_log.open(encoding="utf-8") as log:
        log.seek(before)
        attempts = log.read()
    if attempts:
        pytest.fail(f"network access attempted during this test:\n{attempts}", pytrace=False)
