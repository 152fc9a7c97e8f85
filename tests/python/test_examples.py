"""examples/coba.py runs and writes its figure (short run)."""
import os
import subprocess
import sys

import pytest

pytest.importorskip("matplotlib", reason="matplotlib is missing (apt-get install python3-matplotlib)")

from conftest import SOURCE_DIR


def test_coba_example_writes_a_png(tmp_path):
    out = tmp_path / "coba.png"
    r = subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "examples", "coba.py"), "--duration", "100",
                        "--out", str(out)], capture_output=True, text=True, env=dict(os.environ, MPLBACKEND="Agg"))
    assert r.returncode == 0, r.stderr
    assert "coba: 4000 neurons" in r.stdout
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob("*.tmp*"))
