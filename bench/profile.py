#!/usr/bin/env python3
"""Where the time of one `plancode check` goes, by pipeline stage and by rule.

    python bench/profile.py DIR [--cprofile FILE] [--json] [--no-gc]

Runs `plancode check` in this process on the plan repository DIR, with CPU-time timers wrapped
around the stages that plancode.workspace calls (reading and parsing each file, schema
validation, building the model, each lint rule, locating findings in the YAML, inline
suppressions, the reporter). The wrappers cost a few function calls per file, rule or
finding, so unlike a deterministic profiler they do not inflate call-heavy code.
With --cprofile FILE, the same run is also recorded by cProfile (slower, but with every
function) and the top functions by own time are printed.

Nothing in src/ is changed: the timers are installed on the imported modules only.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

#: CPU time of this process: a check is single-threaded, and CPU time does not grow when
#: other processes share the machine, as wall time does
CLOCK = time.process_time
TOTALS: dict[str, float] = defaultdict(float)
COUNTS: dict[str, int] = defaultdict(int)
GROWTH: dict[str, int] = defaultdict(int)  # KB by which the peak RSS grew during the stage


def peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def timed(name: str, function):
    def wrapper(*args, **kwargs):
        start, memory = CLOCK(), peak_kb()
        try:
            return function(*args, **kwargs)
        finally:
            TOTALS[name] += CLOCK() - start
            COUNTS[name] += 1
            GROWTH[name] += peak_kb() - memory

    return wrapper


def timed_generator(name: str, function):
    """A lint rule is a generator: its time is the time to exhaust it."""

    def wrapper(*args, **kwargs):
        start, memory = CLOCK(), peak_kb()
        try:
            return list(function(*args, **kwargs))
        finally:
            TOTALS[name] += CLOCK() - start
            COUNTS[name] += 1
            GROWTH[name] += peak_kb() - memory

    return wrapper


def install() -> None:
    from plancode import loader, model, reporters, rules, validate, workspace

    # the workspace imports validation and the model where the pipeline runs: patched at
    # their source, they are what it imports
    workspace.load_file = timed("read + parse YAML (load_file)", workspace.load_file)
    validate.validate_document = timed("schema validation (validate_document)", validate.validate_document)
    model.build_plan = timed("model (build_plan)", model.build_plan)
    workspace.discover = timed("discover files", workspace.discover)
    workspace._dropped = timed("suppressions (_dropped)", workspace._dropped)
    loader.Document.locate = timed("locate findings (Document.locate)", loader.Document.locate)
    for code, rule in list(rules.REGISTRY.items()):
        if rule.check is not None:
            rules.REGISTRY[code] = replace(rule, check=timed_generator(f"rule {code} {rule.slug}", rule.check))
    for name, reporter in list(reporters.REPORTERS.items()):
        reporters.REPORTERS[name] = timed(f"reporter {name}", reporter)


def run_check(directory: Path) -> tuple[float, int]:
    from plancode.cli import main

    os.chdir(directory)
    start = CLOCK()
    code = 0
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            # --no-cache: every file parsed and checked, as on a first run (not a replay)
            main.main(["check", "--no-cache"], prog_name="plancode", standalone_mode=False)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return CLOCK() - start, code


def stage_table(total: float) -> list[dict]:
    rows = []
    for name, seconds in sorted(TOTALS.items(), key=lambda item: -item[1]):
        rows.append({"stage": name, "seconds": round(seconds, 3), "share": round(seconds / total * 100, 1),
                     "calls": COUNTS[name], "rss_growth_mb": round(GROWTH[name] / 1024, 1)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--cprofile", type=Path, help="also record a cProfile to this file")
    parser.add_argument("--top", type=int, default=25, help="functions listed from cProfile")
    parser.add_argument("--json", action="store_true", help="print the stage table as JSON")
    parser.add_argument("--no-gc", action="store_true",
                        help="switch the cyclic garbage collector off first (what would it save?)")
    args = parser.parse_args(argv)
    directory = args.directory.resolve()
    if args.no_gc:
        import gc

        gc.disable()

    start, memory = CLOCK(), peak_kb()
    import plancode.cli  # noqa: F401  (imports are part of a check's cost)
    import_seconds = CLOCK() - start
    GROWTH["import plancode.cli"] = peak_kb() - memory
    install()
    profiler = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    seconds, code = run_check(directory)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.cprofile)
    TOTALS["import plancode.cli"] = import_seconds
    COUNTS["import plancode.cli"] = 1
    accounted = sum(TOTALS.values())
    total = seconds + import_seconds
    TOTALS["other (pipeline glue, sorting, config)"] = max(0.0, total - accounted)
    rows = stage_table(total)
    peak = round(peak_kb() / 1024)
    if args.json:
        print(json.dumps({"total": round(total, 3), "exit": code, "peak_rss_mb": peak, "stages": rows},
                         indent=2, ensure_ascii=False))
    else:
        print(f"check of {directory}: {total:.2f} s of CPU in process (exit {code}), peak RSS {peak} MB")
        for row in rows:
            print(f"  {row['seconds']:8.3f} s  {row['share']:5.1f} %  {row['calls']:7d} calls  "
                  f"+{row['rss_growth_mb']:6.1f} MB peak  {row['stage']}")
    if args.cprofile and not args.json:
        import pstats

        print(f"\ncProfile, top {args.top} by own time (cProfile's overhead inflates call-heavy code):")
        pstats.Stats(str(args.cprofile), stream=sys.stdout).sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
