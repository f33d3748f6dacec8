"""Start-up of `pmreview check` on a five-line file, next to the floor of loading spaCy.

    .venv/bin/python benchmarks/bench_startup.py [--repeat 5] [--top 10]

A pre-commit hook or a CI step starts a new process per run, so what it pays is the whole
process: interpreter, imports, models, one short review, the report. The floor is what no
change to pmreview can remove: a fresh `python -c` that imports spaCy and loads the English
pipeline the way reviewer/nlp/pipeline.py does (the first installed of its CANDIDATES).

Measured in one run, each command a fresh process, the repetitions interleaved (round r runs
every command once, in an order rotated per round, after one warm-up round that is not
counted) so that the machine's load falls on all of them alike:

  (a) the floor;
  (b) `pmreview check FILE` (the installed console script, .venv/bin/pmreview);
  (c) the same with `--format sarif` and `--format junit`;
  and `pmreview --version` (the command line alone, no model), to show where the rest goes.

Printed: the median, min and max wall time of each, and median / floor median (target for
(b) and (c): ≤ 1.2); beside it the median CPU time (user + system) of the process and its
ratio, the steadier figure when other work shares the machine. Beneath: `python -X importtime`
of (b), the modules the floor does not import, ranked by their cumulative import time counting
only such modules (what pmreview's own import graph adds on top of spaCy), and which of the
packages the check path should not need were imported.

Every process runs with HF_HUB_OFFLINE=1 in a temporary folder holding only the file (so no
project config is found), with bytecode cached as an installed package has it (pip compiles
on install). `--source`: no bytecode cache, so every module without a .pyc (pmreview's own, in
an editable install under PYTHONDONTWRITEBYTECODE=1) is compiled at each start. Figures depend
on what else runs on the machine; the ratio is the figure to read.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_api import table  # noqa: E402

TARGET = 1.2
TIMEOUT = 300.0

# Written for this benchmark: a heading, a blameful line, a vague time, a metric, an action item.
FIVE_LINES = """# Checkout errors on Tuesday
Priya pushed a bad config to the payment proxy and broke checkout.
Errors started some time in the afternoon and 12% of card payments failed.
The proxy was rolled back at 15:40 UTC.
- [ ] Validate proxy config in CI before it is deployed.
"""

# The same steps as reviewer.nlp.pipeline.load_pipeline with no name configured, without
# importing reviewer (the floor must hold nothing of pmreview's own).
FLOOR_CODE = """
import importlib, spacy
for name in {candidates!r}:
    try:
        nlp = spacy.load(name)
        break
    except OSError:
        pass
    try:
        nlp = importlib.import_module(name).load()
        break
    except (ImportError, OSError, AttributeError):
        pass
else:
    raise SystemExit("no spaCy English pipeline installed")
"""

# Modules a `pmreview check` has no use for: the service, the store, the corpus' models, the
# language server, the old model format. Each is imported where it is used, if at all.
NOT_ON_CHECK_PATH = ("skops", "sklearn", "scipy", "sentence_transformers", "transformers", "fastapi",
                     "starlette", "uvicorn", "sqlalchemy", "pygls", "lsprotocol", "jinja2", "prometheus_client",
                     "joblib", "api")


def floor_candidates() -> tuple[str, ...]:
    from reviewer.nlp.pipeline import CANDIDATES

    return tuple(CANDIDATES)


# `--code DIR`: pmreview as the console script runs it, from another checkout (an older commit's
# `git archive` unpacked in DIR) instead of the installed one, for a before/after in one run.
SCRIPT_FROM = "import sys; sys.path.insert(0, {code!r}); sys.argv[0] = 'pmreview'; from reviewer.cli import app; sys.exit(app())"


def commands(python: str, pmreview: list[str], file_name: str) -> dict[str, list[str]]:
    return {
        "(a) floor: import spacy + load pipeline": [python, "-c", FLOOR_CODE.format(candidates=floor_candidates())],
        "(b) pmreview check FILE": [*pmreview, "check", file_name],
        "(c) pmreview check --format sarif": [*pmreview, "check", "--format", "sarif", file_name],
        "(c) pmreview check --format junit": [*pmreview, "check", "--format", "junit", file_name],
        "pmreview --version (no model)": [*pmreview, "--version"],
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int, str]:
    """Wall time, CPU time (user + system) of the process, its exit code and last line on stderr."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          timeout=TIMEOUT)
    elapsed = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    last = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return elapsed, cpu, done.returncode, last[-1] if last else ""


def measure(cmds: dict[str, list[str]], repeat: int, cwd: Path, env: dict[str, str]):
    names = list(cmds)
    times: dict[str, list[float]] = {name: [] for name in names}
    cpu_times: dict[str, list[float]] = {name: [] for name in names}
    failures: dict[str, str] = {}
    for round_no in range(repeat + 1):  # round 0 warms the disk cache and is not counted
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            elapsed, cpu, code, last = run_once(cmds[name], cwd, env)
            # check exits 0 (nothing reaches the bar) or 1 (a finding does); anything else is a failure
            if code not in (0, 1):
                failures.setdefault(name, f"exit {code}: {last[:100]}")
            if round_no:
                times[name].append(elapsed)
                cpu_times[name].append(cpu)
        print(f"  round {round_no}/{repeat} done", file=sys.stderr, flush=True)
    return times, cpu_times, failures


IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_tree(argv: list[str], cwd: Path, env: dict[str, str]) -> list[tuple[str, int, int, int]]:
    """(module, depth, self µs, cumulative µs) per import, in the order -X importtime prints them."""
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          timeout=TIMEOUT)
    rows = []
    for line in done.stderr.decode("utf-8", "replace").splitlines():
        match = IMPORT_LINE.match(line)
        if match:
            rows.append((match.group(4), len(match.group(3)) // 2, int(match.group(1)), int(match.group(2))))
    return rows


def beyond_floor(rows, floor_modules: set[str]) -> dict[str, tuple[int, int]]:
    """Per module the floor does not import: (self µs, cumulative µs over such modules only).

    -X importtime prints a module after its children, one indent deeper; a module's own
    cumulative figure would count spaCy when pmreview's module happens to be the first to import
    it, so the figure here sums only the modules that are not in the floor."""
    pending: list[tuple[int, int]] = []  # (depth, cumulative beyond the floor) of modules awaiting their parent
    result: dict[str, tuple[int, int]] = {}
    for name, depth, own, _cumulative in rows:
        children = 0
        while pending and pending[-1][0] > depth:
            children += pending.pop()[1]
        extra = children + (0 if name in floor_modules else own)
        pending.append((depth, extra))
        if name not in floor_modules:
            result[name] = (own, extra)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="counted repetitions of each command (≥ 5)")
    parser.add_argument("--top", type=int, default=10, help="modules listed beneath the table")
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"))
    parser.add_argument("--pmreview", default=str(ROOT / ".venv" / "bin" / "pmreview"))
    parser.add_argument("--code", help="run pmreview from this checkout instead of the installed one")
    parser.add_argument("--source", action="store_true",
                        help="no bytecode cache: every module without a .pyc is compiled at each start (an "
                             "editable install under PYTHONDONTWRITEBYTECODE=1; site-packages keep their .pyc)")
    args = parser.parse_args()
    if args.repeat < 5:
        parser.error("--repeat takes 5 or more (the table shows medians)")
    for exe in (args.python, args.pmreview):
        if not Path(exe).exists():
            sys.exit(f"{exe} is not installed (make install)")
    if args.code:
        code = str(Path(args.code).resolve())
        if not (Path(code) / "reviewer" / "cli.py").is_file():
            sys.exit(f"{args.code} holds no reviewer/cli.py")
        pmreview = [args.python, "-c", SCRIPT_FROM.format(code=code)]
    else:
        pmreview = [args.pmreview]

    folder = Path(tempfile.mkdtemp(prefix="pmreview-bench-startup-"))
    (folder / "five-lines.md").write_text(FIVE_LINES, encoding="utf-8")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "NO_COLOR": "1"}
    if args.source:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        # Bytecode as an installed package has it (pip compiles on install); the warm-up round writes
        # it for every module, spaCy's and pmreview's alike, into a private cache (the tree is not touched).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    cmds = commands(args.python, pmreview, "five-lines.md")

    print(f"pmreview from {args.code or args.pmreview}, "
          f"{'compiled from source at each start' if args.source else 'bytecode cached'}; {args.repeat} interleaved repetitions (+1 warm-up), {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
    times, cpu_times, failures = measure(cmds, args.repeat, folder, env)
    floor_name = next(iter(cmds))
    floor = statistics.median(times[floor_name])
    floor_cpu = statistics.median(cpu_times[floor_name])
    rows = []
    for name, values in times.items():
        median = statistics.median(values)
        ratio = median / floor
        cpu = statistics.median(cpu_times[name])
        verdict = ""
        if name.startswith(("(b)", "(c)")):
            verdict = "yes" if ratio <= TARGET else "no"
        if name in failures:
            verdict = "FAILED"
        rows.append([name, f"{median:.2f}", f"{min(values):.2f}", f"{max(values):.2f}", f"{ratio:.2f}", verdict,
                     f"{cpu:.2f}", f"{cpu / floor_cpu:.2f}"])
    print(f"\npmreview start-up on a five-line file (seconds, median of {args.repeat}, one run; the wall time is "
          "what a hook waits, the CPU time (user + system) is less moved by other load on the machine; "
          + ("no bytecode cache: pmreview's modules compiled at each start" if args.source else
             "bytecode cached, as an installed package has it") + ")\n")
    print(table(["command", "wall", "min", "max", "× floor", f"≤ {TARGET}×", "CPU", "CPU × floor"], rows))
    for name, why in failures.items():
        print(f"  {name} FAILED ({why}): its time is not a start-up figure")

    floor_rows = import_tree([args.python, "-X", "importtime", "-c", cmds[floor_name][2]], folder, env)
    script = pmreview[1:] if args.code else pmreview  # the interpreter runs the script, as its #! line does
    check_rows = import_tree([args.python, "-X", "importtime", *script, "check", "five-lines.md"], folder, env)
    floor_modules = {row[0] for row in floor_rows}
    extra = beyond_floor(check_rows, floor_modules)
    total_self = sum(own for own, _ in extra.values())
    print(f"\n`python -X importtime pmreview check FILE`: {len({row[0] for row in check_rows})} modules, {len(extra)} "
          f"beyond the floor's {len(floor_modules)}, costing {total_self / 1e6:.2f} s of import time; the top "
          f"{args.top} by cumulative time (over modules beyond the floor):\n")
    top = sorted(extra.items(), key=lambda item: -item[1][1])[: args.top]
    print(table(["module", "cumulative ms", "self ms"],
                [[name, f"{cum / 1e3:.1f}", f"{own / 1e3:.1f}"] for name, (own, cum) in top]))
    by_package: dict[str, int] = {}
    for name, (own, _) in extra.items():
        by_package[name.split(".")[0]] = by_package.get(name.split(".")[0], 0) + own
    print("\nby top-level package (self ms, beyond the floor): " + ", ".join(
        f"{pkg} {own / 1e3:.0f}" for pkg, own in sorted(by_package.items(), key=lambda item: -item[1])[:8]))
    imported = {name.split(".")[0] for name in extra}
    heavy = [name for name in NOT_ON_CHECK_PATH if name in imported]
    print("packages the check path should not need, imported beyond the floor: " + (", ".join(heavy) or "none"))
    print("(-X importtime does not list a module loaded by importlib.import_module, e.g. each rule module; "
          "what such a module imports is listed)")


if __name__ == "__main__":
    main()
