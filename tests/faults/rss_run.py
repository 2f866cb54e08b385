"""Run one ``tkapp`` command and report its peak memory.

Linux: ``VmHWM`` of ``/proc/self/status`` (the peak of this program's own memory map;
``getrusage`` would report the peak of the parent that forked us, inherited across exec).
Elsewhere: ``getrusage``.

    python tests/faults/rss_run.py verify BUNDLE --trust KEY

Prints ``MAXRSS_KIB=<n>`` as the last line on stderr; exits with the command's exit code.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tkapp.cli.main import run_cli

if __name__ == "__main__":
    code = run_cli(["--lang", "en", *sys.argv[1:]])
    status = Path("/proc/self/status")
    if status.exists():  # Linux-only path
        line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
        peak = int(line.split()[1])  # kB
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if sys.platform == "darwin":
            peak //= 1024  # bytes there
    print(f"MAXRSS_KIB={peak}", file=sys.stderr)
    sys.exit(code)
