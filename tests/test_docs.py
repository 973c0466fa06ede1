"""Documentation generated from the source of truth is current, and the README's examples run."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.docsgen import facts_markdown

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)


def test_docs_facts_md_is_current():
    committed = (ROOT / "docs" / "facts.md").read_text(encoding="utf-8")
    assert committed == facts_markdown(ROOT / "tests" / "specs"), "docs/facts.md is stale: run `python -m extractor.docsgen`"


def _blocks(lang: str) -> list[str]:
    return [m.group("body") for m in FENCE.finditer(README.read_text(encoding="utf-8")) if m.group("info").split()[:1] == [lang]
            and (lang == "python" or "test" in m.group("info").split()[1:])]


@pytest.mark.parametrize("body", _blocks("python"), ids=lambda b: b.strip().splitlines()[0][:50])
def test_readme_python_block_runs(body, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(body, "README.md", "exec"), {"__name__": "readme"})


@pytest.mark.parametrize("body", _blocks("sh"), ids=lambda b: b.strip().splitlines()[0][:50])
def test_readme_runnable_shell_block(body, tmp_path):
    """Shell blocks whose info string says ``sh test`` run from a scratch folder with the repo's
    ``.venv/bin`` (or the running interpreter's folder) first on PATH; ``$REPO`` is the repo root."""
    env = dict(os.environ, REPO=str(ROOT), PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    res = subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
