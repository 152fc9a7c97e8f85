"""ctest's entry to the Python tests: runs pytest on tests/python, or exits 77 (skipped) with a message
naming what is missing when pytest or numpy cannot be imported."""
import importlib.util
import os
import sys

missing = [m for m in ("pytest", "numpy") if importlib.util.find_spec(m) is None]
if missing:
    print("skipped: %s missing for %s (apt-get install %s)" % (
        " and ".join(missing), sys.executable, " ".join("python3-" + m for m in missing)))
    sys.exit(77)

import pytest  # noqa: E402

sys.exit(pytest.main([os.path.dirname(os.path.abspath(__file__)), "-q", "-p", "no:cacheprovider"]
                     + sys.argv[1:]))
