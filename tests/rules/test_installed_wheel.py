"""An installed (non-editable) wheel runs `postguard rules validate` from outside
the repository: its node scripts ship as package data, and it finds recheck in the
node_modules/ above the rules directory."""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from postguard import __version__

REPO = Path(__file__).resolve().parents[2]


def run(*command, **options) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        **options,
    )
    assert proc.returncode == 0, f"{command[:4]}: {proc.stdout}{proc.stderr}"
    return proc


def pip(*arguments) -> subprocess.CompletedProcess:
    return run(sys.executable, "-m", "pip", *arguments)


def build_wheel(tmp_path: Path) -> Path:
    # From a copy: the build writes build/ and *.egg-info next to the sources.
    source = tmp_path / "source"
    shutil.copytree(
        REPO / "backend",
        source / "backend",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    out = tmp_path / "wheels"
    # No build isolation: the build backend comes from this environment (the
    # test extra), so no index is needed.
    pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", out, source)
    # pyproject takes its version from postguard.__version__.
    wheel = out / f"postguard-{__version__}-py3-none-any.whl"
    assert wheel.is_file(), sorted(p.name for p in out.iterdir())
    return wheel


def fresh_venv(tmp_path: Path) -> Path:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv)
    python = venv / "bin" / "python"
    # Dependencies come from this environment, also when it is a venv itself
    # (--system-site-packages only reaches the base interpreter's packages).
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    ours = sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
    (Path(site.stdout.strip()) / "test-deps.pth").write_text("\n".join(ours) + "\n")
    return python


def test_installed_wheel_validates_the_shipped_rules(tmp_path, redos_cache_home):
    wheel = build_wheel(tmp_path)
    python = fresh_venv(tmp_path)
    pip("--python", python, "install", "--no-deps", "--no-index", wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(redos_cache_home)}
    where = run(
        python,
        "-c",
        "import postguard; print(postguard.__file__)",
        cwd=elsewhere,
        env=env,
    )
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "venv")
    result = run(
        python.with_name("postguard"),
        "rules",
        "validate",
        "--rules-dir",
        REPO / "shared_rules",
        cwd=elsewhere,
        env=env,
    )
    assert "valid" in result.stdout
