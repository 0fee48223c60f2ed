"""The part every benchmark's ``main`` shares: a work directory, clean stops, results written.

``run_bench(name, args, run, show)`` calls ``run(args, workdir)``, prints ``show(result)`` and
writes ``args.output`` as JSON. Exit status: 0 when the benchmark ran (whatever its verdicts),
1 when it could not run, 130 when interrupted; SIGTERM unwinds the run's ExitStacks so servers,
Xvfb and apps are stopped. ``args.keep`` keeps the work directory (logs).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from catalog_report import BenchError


def _terminate(signum, frame) -> None:
    raise SystemExit(128 + signum)  # unwinds the ExitStacks: whatever the run started is stopped


def run_bench(
    name: str,
    args: Any,
    run: Callable[[Any, Path], dict],
    show: Callable[[dict], None],
    errors: tuple[type[BaseException], ...] = (),
) -> int:
    """Run one benchmark (see the module docstring); ``errors`` also mean "could not run"."""
    signal.signal(signal.SIGTERM, _terminate)
    workdir = Path(tempfile.mkdtemp(prefix=f"edutv-bench-{name}-"))
    try:
        result = run(args, workdir)
    except (BenchError, OSError, subprocess.SubprocessError, *errors) as exc:
        print(f"{name}: could not run: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        return 130
    finally:
        if args.keep:
            print(f"work directory kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    show(result)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\nresults: {args.output}")
    return 0


def header(args: Any) -> dict[str, Any]:
    """When and where a result was measured, and with which options: every report starts so."""
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
    }
