"""A private Ray cluster for the tests: the real runtime, never a mock.

``RayCluster.start()`` runs ``ray start --head --block`` with 2 CPUs in its own process group,
on free ports (so that it never meets another Ray instance of the machine), with its own
temporary folder and its own authentication token; ``address`` is what
``--address`` takes. ``stop()`` kills the process group (every process of the cluster: the GCS,
the raylet, the workers) and removes the folder. The token is put in this process's environment
(``RAY_AUTH_MODE``, ``RAY_AUTH_TOKEN``), which the drivers started by the tests inherit.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pgserver import free_port

CPUS = 2


def use_private_token() -> None:
    """Token authentication with a token of our own, in this process's environment: before Ray is
    imported (Ray reads it once), and inherited by the cluster and the drivers the tests start."""
    os.environ.update({"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32), "RAY_USAGE_STATS_ENABLED": "0",
                       "RAY_BACKEND_LOG_LEVEL": "fatal"})  # Ray's C++ notes (on stderr of every driver) say nothing the tests need


class RayCluster:
    def __init__(self, cpus: int = CPUS):
        self.cpus = cpus
        self.base: Path | None = None
        self.proc: subprocess.Popen | None = None
        self.address = ""

    def start(self, timeout: float = 180) -> "RayCluster":
        self.base = Path(tempfile.mkdtemp(prefix="xray-"))  # short: Ray's socket paths have ~100 bytes at most
        port = free_port()
        if "RAY_AUTH_TOKEN" not in os.environ:
            use_private_token()
        args = [sys.executable, "-m", "ray.scripts.scripts", "start", "--head", "--block", f"--num-cpus={self.cpus}",
                f"--port={port}", "--include-dashboard=false", f"--dashboard-port={free_port()}",
                f"--dashboard-agent-listen-port={free_port()}",
                "--object-store-memory=200000000", "--disable-usage-stats", f"--temp-dir={self.base}"]
        log = self.base / "start.log"
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=os.environ.copy())
        deadline = time.monotonic() + timeout
        while "Ray runtime started" not in log.read_text(errors="replace"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace").strip().splitlines()[-5:]
                self.stop()
                raise RuntimeError("ray start failed: " + " | ".join(tail))
            time.sleep(0.2)
        self.address = f"127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group this fixture started, nothing else
            except ProcessLookupError:
                pass
            self.proc.wait()
            self.proc = None
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None
