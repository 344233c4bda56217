"""Run a measurement in a fresh process and watch the memory of its whole process tree.

Every figure of the benchmarks comes from its own fresh process, so that no
side profits from caches the other filled (spaCy's tokenizer caches every
string it has split).  A child prints one JSON line last: what it measured.
Memory is sampled from outside: the sum over the child and all its
descendants, so worker processes count as much as the parent (RSS every
50 ms; the process tree every 0.2 s and PSS every 0.5 s, which cost more to read).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


@dataclass(frozen=True)
class Run:
    """What one child process reported, and what was seen of it from outside."""

    data: dict[str, Any]
    wall: float
    """Seconds from start to exit of the child, imports included."""
    cpu: float
    """CPU seconds (user + system) of the child and every process it waited for."""
    peak_rss: float
    """Largest sum of RSS over the child and its descendants seen at one time, in MB."""
    peak_pss: float | None
    """The same for PSS (shared pages split between the processes that share them)."""
    peak_largest: float
    """Largest RSS of any single process of the tree, in MB."""


class _Sampler(threading.Thread):
    """Sum the RSS of the process tree every ``interval`` seconds.

    Finding the tree (a scan of every process, 1.4 ms) and reading PSS (a walk
    of each process's memory map, 2 ms for a 150 MB process) cost far more
    than RSS: done every 50 ms they took a tenth of a core, which a run on
    every core pays.  So the tree is found every ``tree_every`` samples and
    PSS read every ``pss_every``; RSS, which the figures compare, every time.
    """

    def __init__(self, proc: psutil.Popen, interval: float, tree_every: int = 4,
                 pss_every: int = 10) -> None:
        super().__init__(daemon=True)
        self.proc, self.interval = proc, interval
        self.tree_every, self.pss_every = tree_every, pss_every
        self.rss = self.pss = self.largest = 0.0
        self.has_pss = True
        self.done = threading.Event()
        self.tree: list[psutil.Process] = [proc]

    def _sample(self, k: int) -> None:
        pss_now = k % self.pss_every == 0
        if k % self.tree_every == 0:
            try:
                self.tree = [self.proc, *self.proc.children(recursive=True)]
            except psutil.Error:
                return
        rss = pss = largest = 0.0
        for p in self.tree:
            try:
                if pss_now and self.has_pss:
                    info = p.memory_full_info()
                    pss += getattr(info, "pss", 0.0)
                    self.has_pss = hasattr(info, "pss")
                else:
                    info = p.memory_info()
            except psutil.AccessDenied:
                self.has_pss = False
                continue
            except psutil.Error:
                continue
            rss += info.rss
            largest = max(largest, info.rss)
        self.rss, self.largest = max(self.rss, rss), max(self.largest, largest)
        if pss_now:
            self.pss = max(self.pss, pss)

    def run(self) -> None:
        k = 0
        while not self.done.is_set():
            self._sample(k)
            k += 1
            self.done.wait(self.interval)


def run(args: list[str], *, interval: float = 0.05) -> Run:
    """Run ``python args...`` and return its last output line (JSON) with its costs."""
    before = os.times()
    start = time.perf_counter()
    proc = psutil.Popen([sys.executable, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    sampler = _Sampler(proc, interval)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    after = os.times()
    if proc.returncode:
        raise SystemExit(f"benchmark child {args} failed with exit code {proc.returncode}")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system)
    return Run(json.loads(out.strip().splitlines()[-1]), wall, cpu, sampler.rss / MB,
               sampler.pss / MB if sampler.has_pss else None, sampler.largest / MB)


def cpu_seconds() -> float:
    """CPU seconds of this process and of the children it has waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def machine() -> str:
    """One line about the machine the figures come from."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} CPUs, load average {load} at start; "
            f"Python {sys.version.split()[0]}")
