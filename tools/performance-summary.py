#!/usr/bin/env python3
"""Writes docs/performance.md from the committed BenchmarkDotNet reports in benchmarks/results/.

Every suite's cases as ratios to the suite's baseline, measured in the same run, with the command that reruns the suite.
Run from the repository root after copying new GitHub-markdown reports into benchmarks/results/:
    python3 tools/performance-summary.py
"""
import html
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
OUT = ROOT / "docs" / "performance.md"
RUN = "dotnet run -c Release --project benchmarks/BatchLr.Benchmarks -- --job short --inProcess"

# Suite: (what its baseline is, the options of its committed run).
SUITES = {
    "DecayScheduleBenchmarks": ("the family's formula written inline", "--warmupCount 3 --iterationCount 10 --iterationTime 250"),
    "AnnealScheduleBenchmarks": ("the family's formula written inline", "--warmupCount 3 --iterationCount 10 --iterationTime 250"),
    "CyclicScheduleBenchmarks": ("the family's formula written inline", "--warmupCount 3 --iterationCount 10 --iterationTime 250"),
    "ComposedScheduleBenchmarks": ("the family's formula written inline", "--warmupCount 3 --iterationCount 10 --iterationTime 250"),
    "LambdaScheduleBenchmarks": ("the family's formula written inline", "--warmupCount 3 --iterationCount 10 --iterationTime 250"),
    "PlanningBenchmarks": ("one schedule evaluation", "--warmupCount 3 --iterationCount 10 --iterationTime 250"),
    "LoaderBenchmarks": ("TorchSharp's DataLoader", "--warmupCount 3 --iterationCount 15 --iterationTime 250"),
    "TrainingStepBenchmarks": ("the plain TorchSharp step", "--warmupCount 5 --iterationCount 30 --iterationTime 500"),
    "ThroughputBenchmarks": ("the MLP step at the same batch", "--warmupCount 5 --iterationCount 10 --iterationTime 500"),
    "MicroBatchSelectionBenchmarks": ("the search (power of two, then binary)", "--warmupCount 3 --iterationCount 10 --iterationTime 250"),
    "MicroBatchSpeedBenchmarks": ("the fastest micro-batch of the sweep (no BenchmarkDotNet baseline: samples per second relative to the best)", "--warmupCount 3 --iterationCount 8 --iterationTime 500"),
}


def clean(cell):
    return html.unescape(cell.replace("**", "")).strip().strip("'")


def rows(path):
    lines = [l for l in path.read_text().splitlines() if l.startswith("|")]
    header = [clean(c) for c in lines[0].strip("|").split("|")]
    for line in lines[2:]:
        cells = [clean(c) for c in line.strip("|").split("|")]
        if cells[0]:
            yield dict(zip(header, cells))


def mean_in_ns(text):
    value, unit = text.replace(",", "").split()
    return float(value) * {"ns": 1, "μs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]


def machine(path):
    text = path.read_text()
    cpu = re.search(r"^(AMD|Intel).*$", text, re.M)
    runtime = re.search(r"\[Host\] : (\.NET [0-9.]+)", text)
    return f"{cpu.group(0) if cpu else 'unknown CPU'}, {runtime.group(1) if runtime else ''}"


def main():
    out = ["# Performance", "",
           "Every benchmark suite in `benchmarks/` as ratios to its own baseline, measured in the same run (absolute times on",
           "these shared 2-core machines are noise; the ratios are what carries over). Written by `python3 tools/performance-summary.py`",
           "from the committed reports in `benchmarks/results/`; [benchmarks/README.md](../benchmarks/README.md) explains each",
           "suite and what its numbers mean. A ratio below 1 is faster than the baseline.", ""]
    for suite, (baseline, options) in SUITES.items():
        path = RESULTS / f"BatchLr.Benchmarks.{suite}-report-github.md"
        if not path.exists():
            continue
        data = list(rows(path))
        params = [k for k in data[0] if k not in ("Method", "Categories", "Mean", "Error", "StdDev", "Median", "Ratio", "RatioSD",
                                                  "Gen0", "Gen1", "Gen2", "Allocated", "Alloc Ratio", "Trials", "Device s")]
        out += [f"## {suite}", "", f"Baseline: {baseline}. Machine: {machine(path)}.", "",
                f"```sh\n{RUN} --filter '*{suite}*' {options}\n```", ""]
        has_ratio = "Ratio" in data[0]
        best = None if has_ratio else min(mean_in_ns(r["Mean"]) / float(r[params[0]]) for r in data)
        out.append("| Case | " + "".join(p + " | " for p in params) + ("Ratio | Allocated |" if has_ratio else "Samples/s relative to the best |"))
        out.append("|---|" + "---:|" * len(params) + ("---:|---:|" if has_ratio else "---:|"))
        for r in data:
            case = r["Method"]
            values = " | ".join(r[p] for p in params)
            values = values + " | " if params else ""
            if has_ratio:
                out.append(f"| {case} | {values}{r['Ratio']} | {r['Allocated']} |")
            else:
                per_sample = mean_in_ns(r["Mean"]) / float(r[params[0]])
                out.append(f"| {case} | {values}{best / per_sample:.2f} |")
        out.append("")
    OUT.write_text("\n".join(out))
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
