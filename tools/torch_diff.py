#!/usr/bin/env python3
"""Differential test of BatchLr's PyTorch spec types against torch.optim.lr_scheduler.

Generates random configurations (seeded, each reproducible by its index) of every scheduler class, runs each through
PyTorch (an optimizer with 1-3 parameter groups, stepped N times, recording every group's lr and momentum or beta1)
and through `batchlr schedule` (src/BatchLr.Cli, run in one process by tools/BatchLr.TorchDiff, or one process per
config with --batchlr-command), and compares the two row by row. See tools/README.md.

Needs Python 3 with PyTorch (Debian: apt-get install python3-torch) and the .NET SDK (to build the runner).
"""

import argparse
import collections
import json
import math
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
import warnings

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER_PROJECT = os.path.join(REPO, "tools", "BatchLr.TorchDiff", "BatchLr.TorchDiff.csproj")
RUNNER_DLL = os.path.join(REPO, "tools", "BatchLr.TorchDiff", "bin", "Release", "net10.0", "BatchLr.TorchDiff.dll")

# Two values agree when |a - b| <= RTOL * max(|a|, |b|) + ATOL * scale, scale being the largest magnitude PyTorch
# produced in that column of that run: float64 exactness up to the rounding a different but equivalent order of
# operations gives (PyTorch steps recursively, BatchLr evaluates closed forms).
RTOL = 1e-12
ATOL = 1e-15

CLASSES = [
    "LambdaLR",
    "MultiplicativeLR",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "SequentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "ChainedScheduler",
    "ReduceLROnPlateau",
    "CyclicLR",
    "OneCycleLR",
    "CosineAnnealingWarmRestarts",
]

# The classes a composite draws its children from (composites are drawn with a smaller weight and a depth limit).
CHILD_CLASSES = [
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "OneCycleLR",
    "MultiplicativeLR",
    "LambdaLR",
]

LAMBDA_FORMS = ["exp", "step", "warmup", "cosine"]


# ---------------------------------------------------------------------------------------------------------------
# Generation: a config is a tree of plain dicts with PyTorch's names; "edge" configs probe values at and beyond the
# documented ranges (zero lengths, fractions where PyTorch documents an int, eta_min above lr, threshold >= 1, ...).
# ---------------------------------------------------------------------------------------------------------------


def log_uniform(rng, low, high):
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def rounded(x, digits=6):
    return float(f"{x:.{digits}g}")


def per_group(rng, groups, make):
    """A per-group parameter: one number for every group, or a list with one per group."""
    if groups > 1 and rng.random() < 0.5:
        return [make() for _ in range(groups)]
    return make()


def gen_node(cls, rng, ctx, depth=0):
    groups, steps, edge = ctx["groups"], ctx["steps"], ctx["edge"]
    n = {"type": cls}

    def length(low, high):
        if edge and rng.random() < 0.25:
            return rng.choice([0, rounded(rng.uniform(low + 0.1, high)), high * 3])
        return rng.randint(low, high)

    if cls == "StepLR":
        n["step_size"] = length(1, 30) or 1
        n["gamma"] = rounded(rng.uniform(0.05, 1.0) if rng.random() < 0.9 else rng.uniform(1.0, 1.2))
    elif cls == "MultiStepLR":
        count = rng.randint(0, 5)
        ms = [rng.randint(0 if edge else 1, steps + 10) for _ in range(count)]
        if not edge or rng.random() < 0.5:
            ms.sort()
        if edge and ms and rng.random() < 0.3:
            ms.append(ms[0])  # a repeated milestone decays twice
            ms.sort()
        n["milestones"] = ms
        n["gamma"] = rounded(rng.uniform(0.05, 1.0))
    elif cls == "ConstantLR":
        n["factor"] = rounded(rng.choice([rng.uniform(0.01, 1.0), 1.0, 0.0]) if edge else rng.uniform(0.01, 1.0))
        n["total_iters"] = length(0, 30)
    elif cls == "LinearLR":
        n["start_factor"] = rounded(rng.choice([rng.uniform(0.01, 1.0), 1.0, 0.0]) if edge else rng.uniform(0.01, 1.0))
        n["end_factor"] = rounded(rng.choice([rng.uniform(0.0, 1.0), 1.0, 0.0]))
        n["total_iters"] = length(1, 30) if not edge else length(0, 30)
    elif cls == "ExponentialLR":
        n["gamma"] = rounded(rng.uniform(0.8, 1.0) if rng.random() < 0.9 else rng.uniform(1.0, 1.05))
    elif cls == "PolynomialLR":
        n["total_iters"] = length(1, 50) if not edge else length(0, 50)
        n["power"] = rounded(rng.choice([1.0, 2.0, 0.5, rng.uniform(0.1, 4.0)]))
    elif cls == "CosineAnnealingLR":
        n["T_max"] = length(1, 60) or 1
        n["eta_min"] = 0.0 if rng.random() < 0.5 else rounded(ctx["lr_min"] * rng.uniform(0.0, 1.5 if edge else 0.5))
    elif cls == "CosineAnnealingWarmRestarts":
        t0 = rng.randint(1, 40)
        if edge and rng.random() < 0.3:
            t0 = rounded(t0 + 0.5)
        n["T_0"] = t0
        n["T_mult"] = rng.choice([1, 1, 2, 3])
        n["eta_min"] = 0.0 if rng.random() < 0.5 else rounded(ctx["lr_min"] * rng.uniform(0.0, 1.5 if edge else 0.5))
    elif cls == "CyclicLR":
        base = [rounded(log_uniform(rng, 1e-4, 1e-1)) for _ in range(groups)]
        high = [rounded(b * rng.uniform(1.5, 20.0)) for b in base]
        if edge and rng.random() < 0.3:
            high[0] = rounded(base[0] * rng.uniform(0.2, 0.9))  # PyTorch does not check max_lr >= base_lr
        same = groups == 1 or rng.random() < 0.3
        n["base_lr"] = base[0] if same else base
        n["max_lr"] = high[0] if same else high
        n["step_size_up"] = rng.randint(1, 30)
        if rng.random() < 0.5:
            n["step_size_down"] = rng.randint(1, 30)
        n["mode"] = rng.choice(["triangular", "triangular2", "exp_range"])
        n["gamma"] = rounded(rng.uniform(0.9, 1.0)) if n["mode"] == "exp_range" else 1.0
        n["cycle_momentum"] = rng.random() < 0.6
        bm = rounded(rng.uniform(0.5, 0.9))
        n["base_momentum"] = bm
        n["max_momentum"] = rounded(bm + rng.uniform(0.0, 0.09))
    elif cls == "OneCycleLR":
        n["max_lr"] = per_group(rng, groups, lambda: rounded(log_uniform(rng, 1e-3, 1.0)))
        total = rng.randint(2, 200)
        if rng.random() < 0.2:
            e, s = rng.randint(1, 10), rng.randint(1, 20)
            n["epochs"], n["steps_per_epoch"] = e, s
            total = e * s
        else:
            n["total_steps"] = total
        n["three_phase"] = rng.random() < 0.3
        # Three phases are symmetric about pct_start (PyTorch's docs), so they need pct_start below one half.
        n["pct_start"] = rounded(rng.uniform(0.05, 0.45 if n["three_phase"] else 0.95) if not edge else rng.choice([0.0, 1.0, rng.uniform(0.0, 1.0)]))
        n["anneal_strategy"] = rng.choice(["cos", "linear"])
        n["cycle_momentum"] = rng.random() < 0.7
        bm = rounded(rng.uniform(0.5, 0.9))
        n["base_momentum"] = bm
        n["max_momentum"] = rounded(bm + rng.uniform(0.0, 0.09))
        n["div_factor"] = rounded(rng.uniform(2.0, 100.0))
        n["final_div_factor"] = rounded(log_uniform(rng, 10.0, 1e5))
        ctx["total_steps"] = min(ctx.get("total_steps", total), total)
    elif cls == "MultiplicativeLR":
        n["factor"] = rounded(rng.uniform(0.8, 1.0))
    elif cls == "LambdaLR":
        form = rng.choice(LAMBDA_FORMS)
        n["form"] = form
        if form == "exp":
            n["gamma"] = rounded(rng.uniform(0.8, 1.0))
        elif form == "step":
            n["gamma"] = rounded(rng.uniform(0.1, 1.0))
            n["every"] = rng.randint(1, 20)
        elif form == "warmup":
            n["warmup"] = rng.randint(2, 30)
        else:
            n["T"] = rng.randint(1, 60)
    elif cls in ("SequentialLR", "ChainedScheduler"):
        count = rng.randint(1, 3) if cls == "ChainedScheduler" else rng.randint(2, 3)
        kids = []
        for position in range(count):
            pool = CHILD_CLASSES + (["SequentialLR", "ChainedScheduler"] if depth < 1 and rng.random() < 0.15 else [])
            # The spec writes LambdaLR and MultiplicativeLR as the types their lambdas amount to, which is faithful only where
            # PyTorch runs them the same way: LambdaLR sets base · lambda(t), so in a chain it overwrites the rate instead of
            # multiplying it; MultiplicativeLR keeps multiplying the rate it finds, so after a SequentialLR milestone it does not
            # start again from its base.
            if cls == "ChainedScheduler":
                pool = [c for c in pool if c != "LambdaLR"]
            elif position > 0:
                pool = [c for c in pool if c != "MultiplicativeLR"]
            kids.append(gen_node(rng.choice(pool), rng, ctx, depth + 1))
        if cls == "SequentialLR" and kids[0]["type"] == "LambdaLR" and any(contains(k, lambda c: c["type"] == "OneCycleLR") for k in kids[1:]):
            # LambdaLR first computes base · lambda(t) from the initial_lr it captured, not from the rate SequentialLR resets
            # the group to, which a OneCycleLR constructed after it changes: the spec's stand-ins start from the latter.
            kids[0] = gen_node(rng.choice([c for c in CHILD_CLASSES if c not in ("LambdaLR", "OneCycleLR")]), rng, ctx, depth + 1)
        n["schedulers"] = kids
        if cls == "SequentialLR":
            ms = sorted(rng.sample(range(1, max(steps, count + 1)), count - 1))
            n["milestones"] = ms
    elif cls == "ReduceLROnPlateau":
        n["mode"] = rng.choice(["min", "max"])
        n["factor"] = rounded(rng.uniform(0.05, 0.9))
        n["patience"] = rng.randint(0, 5)
        n["threshold_mode"] = rng.choice(["rel", "abs"])
        n["threshold"] = rounded(rng.choice([1e-4, rng.uniform(0.0, 0.3)] + ([1.0, rng.uniform(1.0, 3.0)] if edge else [])))
        n["cooldown"] = rng.randint(0, 3)
        n["min_lr"] = per_group(rng, groups, lambda: 0.0 if rng.random() < 0.5 else rounded(ctx["lr_min"] * rng.uniform(0.0, 0.5)))
        n["eps"] = rng.choice([1e-8, 0.0, 1e-4])
    else:
        raise ValueError(cls)
    return n


def gen_metrics(rng, steps, mode):
    """A scripted metric: a noisy trend that flattens, sometimes negative, so plateaus happen."""
    level = rng.uniform(-2.0, 5.0)
    slope = rng.uniform(0.0, 0.2) * (1 if mode == "max" else -1)
    noise = rng.uniform(0.0, 0.3)
    values = []
    for s in range(max(steps - 1, 0)):
        level += slope * math.exp(-s / rng.uniform(5, 40)) + rng.gauss(0.0, noise)
        values.append(rounded(level, 12))
    return values


def gen_config(index, seed, edge_share):
    rng = random.Random(f"{seed}:{index}")
    cls = CLASSES[index % len(CLASSES)]
    groups = rng.randint(1, 3)
    steps = rng.randint(1, 200) if rng.random() < 0.2 else rng.randint(20, 150)
    lrs = [rounded(log_uniform(rng, 1e-4, 1.0)) for _ in range(groups)]
    edge = rng.random() < edge_share
    ctx = {"groups": groups, "steps": steps, "edge": edge, "lr_min": min(lrs)}
    node = gen_node(cls, rng, ctx)
    if "total_steps" in ctx and not (edge and rng.random() < 0.5):
        steps = min(steps, ctx["total_steps"] + 1)  # PyTorch's OneCycleLR raises beyond total_steps
    optimizer = "sgd"
    if cls == "OneCycleLR" or (cls not in ("CyclicLR",) and rng.random() < 0.2):
        optimizer = rng.choice(["sgd", "adam"])
    if contains(node, lambda c: c["type"] == "CyclicLR" and c.get("cycle_momentum")):
        optimizer = "sgd"  # PyTorch 1.13's CyclicLR cycles "momentum" only (beta1 came later)
    config = {"index": index, "class": cls, "edge": edge, "groups": groups, "lr": lrs, "steps": steps,
              "optimizer": optimizer, "schedule": node}
    if cls == "ReduceLROnPlateau":
        config["metrics"] = gen_metrics(rng, steps, node["mode"])
    return config


def contains(node, predicate):
    if predicate(node):
        return True
    return any(contains(c, predicate) for c in node.get("schedulers", []))


# ---------------------------------------------------------------------------------------------------------------
# The PyTorch side.
# ---------------------------------------------------------------------------------------------------------------


def lambda_of(node):
    form = node["form"]
    if form == "exp":
        g = node["gamma"]
        return lambda e: g ** e
    if form == "step":
        g, k = node["gamma"], node["every"]
        return lambda e: g ** (e // k)
    if form == "warmup":
        w = node["warmup"]
        return lambda e: min(1.0, (e + 1) / w)
    t = node["T"]
    return lambda e: 0.5 * (1.0 + math.cos(math.pi * e / t))


def torch_scheduler(node, optimizer):
    import torch.optim.lr_scheduler as S

    cls = node["type"]
    p = {k: v for k, v in node.items() if k != "type"}
    if cls == "LambdaLR":
        return S.LambdaLR(optimizer, lambda_of(node))
    if cls == "MultiplicativeLR":
        f = node["factor"]
        return S.MultiplicativeLR(optimizer, lambda e: f)
    if cls == "SequentialLR":
        kids = [torch_scheduler(c, optimizer) for c in p["schedulers"]]
        return S.SequentialLR(optimizer, kids, p["milestones"])
    if cls == "ChainedScheduler":
        return S.ChainedScheduler([torch_scheduler(c, optimizer) for c in p["schedulers"]])
    return getattr(S, cls)(optimizer, **p)


def run_torch(config):
    import torch

    groups = []
    for lr in config["lr"]:
        groups.append({"params": [torch.zeros(1, requires_grad=True)], "lr": lr})
    if config["optimizer"] == "adam":
        optimizer = torch.optim.Adam(groups, betas=(0.9, 0.999))
    else:
        optimizer = torch.optim.SGD(groups, momentum=0.9)

    def momentum_of(group):
        return group["betas"][0] if "betas" in group else group["momentum"]

    rows = []
    try:
        scheduler = torch_scheduler(config["schedule"], optimizer)
    except Exception as e:  # PyTorch refuses the configuration
        return {"rows": rows, "error": f"{type(e).__name__}: {e}", "at": 0}
    metrics = config.get("metrics")
    step = 0
    try:
        for step in range(config["steps"]):
            if step > 0:
                optimizer.step()
                if metrics is not None:
                    scheduler.step(metrics[step - 1])
                else:
                    scheduler.step()
            rows.append(([g["lr"] for g in optimizer.param_groups], [momentum_of(g) for g in optimizer.param_groups]))
    except Exception as e:  # PyTorch stops partway (OneCycleLR past total_steps, a division by zero)
        return {"rows": rows, "error": f"{type(e).__name__}: {e}", "at": step}
    return {"rows": rows, "error": None, "at": None}


# ---------------------------------------------------------------------------------------------------------------
# The BatchLr side: the spec, written with the same names.
# ---------------------------------------------------------------------------------------------------------------


def spec_node(node):
    cls = node["type"]
    if cls == "MultiplicativeLR":  # lr_lambda = lambda e: f multiplies by f from step 1 on: ExponentialLR(gamma=f)
        return {"type": "ExponentialLR", "gamma": node["factor"]}
    if cls == "LambdaLR":
        form = node["form"]
        if form == "exp":
            return {"type": "ExponentialLR", "gamma": node["gamma"]}
        if form == "step":
            return {"type": "StepLR", "step_size": node["every"], "gamma": node["gamma"]}
        if form == "warmup":  # (e + 1) / W until 1: a line from 1/W to 1 over W - 1 steps
            w = node["warmup"]
            return {"type": "LinearLR", "start_factor": 1.0 / w, "end_factor": 1.0, "total_iters": w - 1}
        return {"type": "CosineAnnealingLR", "T_max": node["T"], "eta_min": 0.0}
    out = {k: v for k, v in node.items()}
    if "schedulers" in out:
        out["schedulers"] = [spec_node(c) for c in out["schedulers"]]
    return out


def spec_of(config):
    lr = config["lr"]
    return {"lr": lr if len(lr) > 1 else lr[0], "schedule": spec_node(config["schedule"])}


def parse_csv(text, groups):
    lines = [l for l in text.splitlines() if l.strip()]
    if not lines:
        return None, "empty output"
    header = lines[0].split(",")
    lr_cols = [i for i, h in enumerate(header) if h == "lr" or h.startswith("lr_")]
    m_cols = [i for i, h in enumerate(header) if h == "momentum" or h.startswith("momentum_")]
    if len(lr_cols) != groups:
        return None, f"{len(lr_cols)} lr columns for {groups} groups"
    rows = []
    for line in lines[1:]:
        cells = line.split(",")
        rows.append(([float(cells[i]) for i in lr_cols], [float(cells[i]) for i in m_cols] if m_cols else None))
    return rows, None


def run_batchlr_runner(configs, dll):
    requests = []
    for c in configs:
        requests.append(json.dumps({"id": str(c["index"]), "spec": spec_of(c), "steps": c["steps"], "metrics": c.get("metrics")}))
    proc = subprocess.run(["dotnet", dll], input="\n".join(requests) + "\n", capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"torch_diff: the runner failed ({proc.returncode}): {proc.stderr.strip()}")
    answers = {}
    for line in proc.stdout.splitlines():
        if line.strip():
            a = json.loads(line)
            answers[int(a["id"])] = a
    return answers


def run_batchlr_commands(configs, command):
    answers = {}
    with tempfile.TemporaryDirectory() as folder:
        spec_path = os.path.join(folder, "spec.json")
        metrics_path = os.path.join(folder, "metrics.txt")
        for c in configs:
            with open(spec_path, "w") as f:
                json.dump(spec_of(c), f)
            args = shlex.split(command) + ["schedule", "--spec", spec_path, "--steps", str(c["steps"])]
            if c.get("metrics") is not None:
                with open(metrics_path, "w") as f:
                    f.write("".join(f"{m!r}\n" for m in c["metrics"]))
                args += ["--metrics", metrics_path]
            proc = subprocess.run(args, capture_output=True, text=True, check=False)
            answers[c["index"]] = {"rc": proc.returncode, "out": proc.stdout, "err": proc.stderr}
    return answers


# ---------------------------------------------------------------------------------------------------------------
# Comparison.
# ---------------------------------------------------------------------------------------------------------------


def close(a, b, scale):
    if a == b:
        return True
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(a - b) <= RTOL * max(abs(a), abs(b)) + ATOL * scale


def compare(config, torch_result, answer):
    """Returns (outcome, detail): exact, differ, both-refused, refused-by-batchlr, refused-by-pytorch, pytorch-stops."""
    groups = config["groups"]
    batch_ok = answer["rc"] == 0
    t_rows = torch_result["rows"]
    t_err = torch_result["error"]
    if t_err is not None and torch_result["at"] == 0 and not t_rows:
        return ("both-refused", f"PyTorch: {t_err} | BatchLr: {answer['err'].strip()}") if not batch_ok else \
            ("refused-by-pytorch", f"PyTorch: {t_err}; BatchLr runs it")
    if not batch_ok:
        where = f" (PyTorch stops at step {torch_result['at']}: {t_err})" if t_err else ""
        return "refused-by-batchlr", "BatchLr: " + answer["err"].strip() + where
    b_rows, problem = parse_csv(answer["out"], groups)
    if b_rows is None:
        return "differ", "BatchLr output: " + problem
    if len(b_rows) < len(t_rows):
        return "differ", f"BatchLr printed {len(b_rows)} rows, PyTorch {len(t_rows)}"
    initial_momentum = 0.9
    for column in ("lr", "momentum"):
        k = 0 if column == "lr" else 1
        for g in range(groups):
            scale = max([abs(r[k][g]) for r in t_rows] + [1e-300])
            for s, (t_row, b_row) in enumerate(zip(t_rows, b_rows)):
                t_value = t_row[k][g]
                if k == 1 and b_row[1] is None:
                    if t_value != initial_momentum:
                        return "differ", f"step {s}: PyTorch sets momentum[{g}] = {t_value!r}; BatchLr drives no momentum"
                    continue
                b_value = b_row[k][g]
                if not close(t_value, b_value, scale):
                    rel = abs(t_value - b_value) / max(abs(t_value), abs(b_value), 1e-300)
                    return "differ", f"step {s}, {column}[{g}]: PyTorch {t_value!r}, BatchLr {b_value!r} (relative {rel:.2e})"
    if t_err is not None:
        return "pytorch-stops", f"PyTorch stops at step {torch_result['at']} ({t_err}); BatchLr goes on; the rows before agree"
    return "exact", ""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=3000, help="configurations, drawn round-robin over the classes (default 3000)")
    parser.add_argument("--seed", default="1", help="the seed; config i is drawn from random.Random(f'{seed}:{i}') (default 1)")
    parser.add_argument("--only", type=int, nargs="*", help="run only these config indices, and print them whole")
    parser.add_argument("--classes", nargs="*", help="keep only configs of these top-level classes")
    parser.add_argument("--edge-share", type=float, default=0.1, help="share of configs that probe edge values (default 0.1)")
    parser.add_argument("--batchlr-command", help="run this command per config (e.g. 'batchlr') instead of the in-process runner")
    parser.add_argument("--no-build", action="store_true", help="use the runner already built")
    parser.add_argument("--markdown", help="also write the summary and the differences as markdown to this file")
    parser.add_argument("--json", help="write every config and outcome as JSON lines to this file")
    parser.add_argument("--min-agree", type=float, help="exit with 1 when fewer than this percentage of configurations agree (for CI)")
    args = parser.parse_args()

    warnings.filterwarnings("ignore")
    started = time.monotonic()
    indices = args.only if args.only else range(args.count)
    configs = [gen_config(i, args.seed, args.edge_share) for i in indices]
    if args.classes:
        configs = [c for c in configs if c["class"] in args.classes]

    torch_started = time.monotonic()
    torch_results = {c["index"]: run_torch(c) for c in configs}
    torch_seconds = time.monotonic() - torch_started

    batch_started = time.monotonic()
    if args.batchlr_command:
        answers = run_batchlr_commands(configs, args.batchlr_command)
    else:
        if not args.no_build:
            build = subprocess.run(["dotnet", "build", RUNNER_PROJECT, "-c", "Release", "--nologo", "-v", "q"], capture_output=True, text=True)
            if build.returncode != 0:
                sys.exit("torch_diff: building the runner failed:\n" + build.stdout[-4000:] + build.stderr[-2000:])
        answers = run_batchlr_runner(configs, RUNNER_DLL)
    batch_seconds = time.monotonic() - batch_started

    outcomes = []
    for c in configs:
        outcome, detail = compare(c, torch_results[c["index"]], answers[c["index"]])
        outcomes.append((c, outcome, detail))

    import torch

    report = render(outcomes, args, torch.__version__, time.monotonic() - started, torch_seconds, batch_seconds)
    print(report)
    if args.only:
        for c, outcome, detail in outcomes:
            print(json.dumps(c, indent=None))
            print("spec:", json.dumps(spec_of(c)))
            print("outcome:", outcome, detail)
            t = torch_results[c["index"]]
            a = answers[c["index"]]
            b_rows, _ = parse_csv(a["out"], c["groups"]) if a["rc"] == 0 else (None, None)
            for s in range(c["steps"]):
                tr = t["rows"][s] if s < len(t["rows"]) else None
                br = b_rows[s] if b_rows and s < len(b_rows) else None
                print(f"{s:4d}  torch {tr}  batchlr {br}")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(report + "\n")
    if args.json:
        with open(args.json, "w") as f:
            for c, outcome, detail in outcomes:
                f.write(json.dumps({"config": c, "spec": spec_of(c), "outcome": outcome, "detail": detail}) + "\n")
    agree = sum(1 for _, o, _ in outcomes if o in ("exact", "both-refused"))
    if args.min_agree is not None and outcomes and 100.0 * agree / len(outcomes) < args.min_agree:
        print(f"torch_diff: {100.0 * agree / len(outcomes):.2f} % agree, below --min-agree {args.min_agree}", file=sys.stderr)
        return 1
    return 0


OUTCOMES = ["exact", "both-refused", "differ", "refused-by-batchlr", "refused-by-pytorch", "pytorch-stops"]


def render(outcomes, args, torch_version, seconds, torch_seconds, batch_seconds):
    per_class = collections.OrderedDict((cls, collections.Counter()) for cls in CLASSES)
    edge_counts = collections.Counter()
    for c, outcome, _ in outcomes:
        per_class[c["class"]][outcome] += 1
        per_class[c["class"]]["configs"] += 1
        edge_counts[(c["edge"], outcome)] += 1
    total = collections.Counter()
    for counts in per_class.values():
        total.update(counts)
    lines = []
    configs = total["configs"]
    agree = total["exact"] + total["both-refused"]
    pct = (100.0 * agree / configs) if configs else 0.0
    lines.append(f"PyTorch {torch_version}, seed {args.seed}, {configs} configurations, tolerance |a - b| <= {RTOL:g}·max(|a|, |b|) + {ATOL:g}·(largest |value| of the column)")
    lines.append(f"Agree: {agree} of {configs} ({pct:.2f} %): {total['exact']} exact at every step, {total['both-refused']} refused by both. "
                 f"Time: {seconds:.1f} s (PyTorch {torch_seconds:.1f} s, BatchLr {batch_seconds:.1f} s).")
    in_contract = sum(v for (e, o), v in edge_counts.items() if not e)
    in_agree = edge_counts[(False, "exact")] + edge_counts[(False, "both-refused")]
    if in_contract:
        lines.append(f"Within PyTorch's documented ranges: {in_agree} of {in_contract} agree ({100.0 * in_agree / in_contract:.2f} %); "
                     f"edge probes: {agree - in_agree} of {configs - in_contract}.")
    lines.append("")
    lines.append("| Class | Configs | Exact | Both refused | Differing | Refused by BatchLr only | Refused by PyTorch only | PyTorch stops partway |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for cls, counts in list(per_class.items()) + [("**Total**", total)]:
        if counts["configs"] == 0:
            continue
        lines.append(f"| {cls} | {counts['configs']} | {counts['exact']} | {counts['both-refused']} | {counts['differ']} | "
                     f"{counts['refused-by-batchlr']} | {counts['refused-by-pytorch']} | {counts['pytorch-stops']} |")
    lines.append("")
    others = [(c, o, d) for c, o, d in outcomes if o not in ("exact", "both-refused")]
    if others:
        lines.append(f"Every configuration that does not agree ({len(others)}; rerun one with `tools/torch_diff.py --seed {args.seed} --only INDEX`):")
        lines.append("")
        for c, outcome, detail in others:
            lines.append(f"- #{c['index']} {c['class']}{' (edge)' if c['edge'] else ''}: **{outcome}**: {detail}")
            lines.append(f"  `{json.dumps(spec_of(c))}`, {c['steps']} steps, {c['optimizer']}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
