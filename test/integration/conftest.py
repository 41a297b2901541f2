# SPDX-License-Identifier: BSD-3-Clause
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vswlib  # noqa: E402


@pytest.fixture
def cleanup():
    """Undoes everything the test started, also when it fails."""
    c = vswlib.Cleanup()
    try:
        yield c
    finally:
        c.run()


@pytest.fixture(autouse=True, scope="session")
def _preconditions():
    assert os.geteuid() == 0, "integration tests need root (namespaces, taps, hugepages)"
    assert os.path.exists(vswlib.VSWD), "build vswd first: " + vswlib.VSWD
    with open("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages") as f:
        assert int(f.read()) >= 384, "reserve hugepages first (scripts/test.sh does)"
    yield
