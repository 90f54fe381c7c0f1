"""`make bench` (bin/bench) runs every script in bench/ when given none, only the named ones
otherwise, and fails when a script fails or is missing (figures are not pass/fail, a crash is)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bench_tree(tmp_path: Path, scripts: dict[str, str]) -> Path:
    """A copy of bin/bench with its own bench/ folder, on this test's Python."""
    (tmp_path / "bin").mkdir()
    for name in ("bench", "services.sh"):
        shutil.copy2(ROOT / "bin" / name, tmp_path / "bin" / name)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(sys.executable)
    (tmp_path / "bench").mkdir()
    for name, body in scripts.items():
        (tmp_path / "bench" / name).write_text(body)
    return tmp_path


def bench(root: Path, *args: str) -> subprocess.CompletedProcess:
    # Services given in the environment: bin/services.sh starts none.
    env = {**os.environ, "DATABASE_URL": "sqlite:///unused", "REDIS_URL": "redis://unused"}
    return subprocess.run(
        ["bash", str(root / "bin" / "bench"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_with_no_arguments_every_benchmark_runs(tmp_path):
    root = bench_tree(tmp_path, {"a.py": "print('figure a')", "b.py": "print('figure b')"})
    done = bench(root)
    assert done.returncode == 0, done.stderr
    assert "== bench/a.py\nfigure a\n== bench/b.py\nfigure b\n" in done.stdout


def test_only_the_named_benchmark_runs(tmp_path):
    root = bench_tree(tmp_path, {"a.py": "print('figure a')", "b.py": "print('figure b')"})
    done = bench(root, "bench/b.py")
    assert done.returncode == 0, done.stderr
    assert "figure b" in done.stdout and "figure a" not in done.stdout


def test_a_failing_benchmark_fails_the_run_after_the_others_ran(tmp_path):
    root = bench_tree(tmp_path, {"a.py": "raise SystemExit(3)", "b.py": "print('figure b')"})
    done = bench(root)
    assert done.returncode == 1
    assert "figure b" in done.stdout
    assert "bin/bench: FAILED: bench/a.py" in done.stderr


def test_a_missing_benchmark_is_named_not_skipped(tmp_path):
    root = bench_tree(tmp_path, {"a.py": "print('figure a')"})
    done = bench(root, "bench/nope.py")
    assert done.returncode == 1
    assert "bench/nope.py: no such benchmark" in done.stderr
