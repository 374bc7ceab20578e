using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace BatchLr.Core.Tests.Configuration;

/// <summary>Specs the tests and the docs use: valid ones of every type and section, and ones the reader refuses for their shape.</summary>
internal static partial class SpecCorpus
{
    /// <summary>Gets a valid spec for every schedule type, keyed by the type: the one of <see cref="SpecCase"/>, or one written here.</summary>
    public static IReadOnlyDictionary<string, string> ScheduleBases { get; } = CreateScheduleBases();

    /// <summary>Gets a valid spec for every batch type, keyed by the type.</summary>
    public static IReadOnlyDictionary<string, string> BatchBases { get; } = new Dictionary<string, string>
    {
        ["fixed"] = """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}}""",
        ["steps"] = """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "steps", "milestones": [100, 200], "sizes": [16, 32, 64]}}""",
        ["linear_ramp"] = """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "linear_ramp", "start": 32, "increment": 32, "ramp_samples": 1000000, "target": 512, "replicas": 8}}""",
        ["token_ramp"] = """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "token_ramp", "start": 32, "target": 256, "ramp_tokens": "1e6tok"}}""",
        ["geometric"] = """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "geometric", "initial": 32, "factor": 2, "interval": 10, "maximum": 512}}""",
        ["cyclic"] = """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "cyclic", "minimum": 16, "maximum": 64, "period": 100}}""",
        ["decay_equivalent"] = """{"lr": 0.1, "schedule": {"type": "cosine", "num_training_steps": 1000}, "batch": {"type": "decay_equivalent", "reference_batch_size": 32, "maximum_batch_size": 512}, "scaling": {"type": "linear", "reference_batch_size": 32}}""",
        ["noise_adaptive"] = """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "noise_adaptive", "initial_batch_size": 32, "max_batch_size": 1024}}""",
        ["goodput"] = """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "goodput", "initial_batch_size": 32, "max_batch_size": 1024}}""",
    };

    /// <summary>Gets a valid spec for every scaling rule, keyed by the rule.</summary>
    public static IReadOnlyDictionary<string, string> ScalingBases { get; } = new Dictionary<string, string>
    {
        ["none"] = """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "scaling": {"type": "none"}}""",
        ["linear"] = """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "scaling": {"type": "linear", "reference_batch_size": 256}}""",
        ["sqrt"] = """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "scaling": {"type": "sqrt", "reference_batch_size": 256}}""",
        ["adascale"] = """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "scaling": {"type": "adascale", "reference_batch_size": 32}}""",
    };

    /// <summary>Gets a valid spec with a top-level <c>on_plateau</c> section.</summary>
    public static string RatePlateauBase => """{"lr": 0.1, "schedule": {"type": "cosine", "num_training_steps": 10000}, "on_plateau": {"patience": 5, "factor": 0.5}}""";

    /// <summary>Gets a valid spec with a batch section's <c>on_plateau</c>.</summary>
    public static string BatchPlateauBase => """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32, "on_plateau": {"patience": 2}}}""";

    /// <summary>Gets specs that exercise what the one-per-type bases do not: units, per-group arrays, nulls, every section.</summary>
    public static IReadOnlyList<string> Variants { get; } =
    [
        """{"lr": [0.1, 0.01], "schedule": {"type": "CyclicLR", "base_lr": [0.01, 0.001], "max_lr": [0.1, 0.01], "step_size_up": 4, "step_size_down": null, "scale_mode": null}}""",
        """{"lr": [0.1, 0.2], "schedule": {"type": "ReduceLROnPlateau", "min_lr": [0.001, 0.002], "mode": "max", "threshold_mode": "abs"}}""",
        """{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "epochs": 10, "steps_per_epoch": 100, "anneal_strategy": "linear", "three_phase": true}}""",
        """{"lr": 0.1, "schedule": {"type": "warmup_stable_decay", "num_warmup_steps": 10, "num_decay_steps": 20, "num_stable_steps": 70, "decay_type": "1-sqrt", "warmup_type": "cosine"}}""",
        """{"lr": 0.1, "schedule": {"type": "cosine_with_min_lr", "num_training_steps": 100, "min_lr": 0.001}}""",
        """{"lr": 0.1, "clock": "epochs", "schedule": {"type": "StepLR", "step_size": 0.5, "gamma": 0.5}}""",
        """{"lr": 0.1, "clock": "samples", "schedule": {"type": "MultiStepLR", "milestones": ["1ep", 20000, "0.5dur"]}, "batch": {"type": "fixed", "batch_size": 50}, "duration": "4ep"}""",
        """{"lr": 0.1, "schedule": {"type": "cosine", "num_warmup_steps": "0.05dur", "num_training_steps": "1dur"}, "batch": {"type": "fixed", "batch_size": 500}, "duration": "90ep"}""",
        """{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": " 2 ep "}, "batch": {"type": "fixed", "batch_size": 32}}""",
        """{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": "1000ba"}}""",
        """{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [5], "schedulers": [{"type": "LinearLR", "start_factor": 0.1}, {"type": "ChainedScheduler", "schedulers": [{"type": "ExponentialLR", "gamma": 0.9}, {"type": "clamp", "max": 0.05, "schedule": {"type": "constant"}}]}]}}""",
        """{"lr": 0.1, "schedule": {"type": "warmup", "warmup_steps": 10, "shape": "exponential", "start_value": 0.001, "mode": "overlap", "schedule": {"type": "cosine_timm", "t_initial": 100, "warmup_prefix": true, "warmup_t": 5}}}""",
        """{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"mode": "max", "min_factor": 0.01, "monitor": "loss", "loss_window": 10, "cooldown": 2}}""",
        """{"lr": 0.1, "schedule": {"type": "reduce_lr_on_plateau", "factor": 0.5, "patience": 3}, "batch": {"type": "fixed", "batch_size": 32}}""",
        """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32, "on_plateau": {"factor": 0.5, "mode": "max", "monitor": "loss"}}, "epoch_boundary": "drop"}""",
        """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "steps", "milestones": ["1ep"], "sizes": [32, 64], "clock": "samples", "min_batch_size": 8, "max_batch_size": null, "multiple": 8, "replicas": 2, "elastic_replica_counts": [1, 2, 4]}}""",
        """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "geometric", "initial": 32, "factor": 2, "interval": "1ep", "maximum": 256, "clock": "epochs"}, "max_micro_batch_size": null, "duration": null, "evaluation_interval": null}""",
        """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "scaling": {"type": "sqrt", "reference_batch_size": 16}, "max_micro_batch_size": 16, "duration": 5000, "evaluation_interval": "0.25dur", "epoch_boundary": "keep"}""",
        """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "duration": "2ep", "evaluation_interval": "0.5ep"}""",
        """{"lr": 0.1, "clock": "tokens", "schedule": {"type": "cosine", "num_training_steps": "1e9tok"}, "batch": {"type": "token_ramp", "start": 32, "target": 256, "ramp_tokens": 1e6}, "duration": "2e9tok"}""",
        """{"lr": 0.1, "schedule": {"type": "inverse_sqrt", "num_warmup_steps": 0, "timescale": null}}""",
        """{"lr": 0.1, "schedule": {"type": "cosine_warmup_with_min_lr", "num_warmup_steps": 4, "num_training_steps": 12, "min_lr_rate": 0.1, "warmup_lr_rate": 0.5}}""",
        """{"lr": [0.1, 0.2], "schedule": {"type": "ExponentialLR", "gamma": [0.9, 0.5]}}""",
    ];

    /// <summary>Gets every valid spec: the type bases, the variants, and the specs in the docs.</summary>
    public static IEnumerable<string> Valid =>
        ScheduleBases.Values.Concat(BatchBases.Values).Concat(ScalingBases.Values)
            .Concat([RatePlateauBase, BatchPlateauBase]).Concat(Variants).Concat(FromDocs());

    /// <summary>Gets specs the reader refuses for their shape: an unknown name, a value of the wrong JSON type, a missing required value.</summary>
    public static IReadOnlyList<(string Json, string Path)> ShapeErrors { get; } =
    [
        // Unknown names.
        ("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 3, "gama": 0.5}}""", "$.schedule.gama"),
        ("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_sise": 3}}""", "$.schedule.step_sise"),
        ("""{"lr": 0.1, "schedul": {"type": "constant"}}""", "$.schedul"),
        ("""{"lr": 0.1, "schedule": {"type": "constant", "num_warmup_steps": 0}}""", "$.schedule.num_warmup_steps"),
        ("""{"lr": 0.1, "schedule": {"type": "Nope"}}""", "$.schedule.type"),
        ("""{"lr": 0.1, "schedule": {"type": "steplr", "step_size": 3}}""", "$.schedule.type"),
        ("""{"lr": 0.1, "schedule": {"type": "LambdaLR"}}""", "$.schedule.type"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"pateince": 3}}""", "$.on_plateau.pateince"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"type": "ReduceLROnPlateau"}}""", "$.on_plateau.type"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32, "on_plateau": {"min_factor": 0.5}}}""", "$.batch.on_plateau.min_factor"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixd", "batch_size": 32}}""", "$.batch.type"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32, "size": 4}}""", "$.batch.size"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "scaling": {"type": "squareroot", "reference_batch_size": 32}}""", "$.scaling.type"),
        ("""{"lr": 0.1, "schedule": {"type": "warmup", "warmup_steps": 3, "schedule": {"type": "ReduceLROnPlateau"}}}""", "$.schedule.schedule.type"),

        // Values of the wrong JSON type, or outside a choice or a unit's form.
        ("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": "3"}}""", "$.schedule.step_size"),
        ("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": "2 epochs"}}""", "$.schedule.step_size"),
        ("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 3, "gamma": "0.5"}}""", "$.schedule.gamma"),
        ("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingWarmRestarts", "T_0": 3, "T_mult": 1.5}}""", "$.schedule.T_mult"),
        ("""{"lr": 0.1, "schedule": {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "cycle_momentum": 1}}""", "$.schedule.cycle_momentum"),
        ("""{"lr": 0.1, "schedule": {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "mode": "square"}}""", "$.schedule.mode"),
        ("""{"lr": 0.1, "schedule": {"type": "CyclicLR", "base_lr": "0.01", "max_lr": 0.1}}""", "$.schedule.base_lr"),
        ("""{"lr": 0.1, "schedule": {"type": "MultiStepLR", "milestones": [1, "x"]}}""", "$.schedule.milestones[1]"),
        ("""{"lr": 0.1, "schedule": {"type": "MultiStepLR", "milestones": 3}}""", "$.schedule.milestones"),
        ("""{"lr": 0.1, "schedule": {"type": "piecewise_constant", "boundaries": [3], "values": [0.1, "0.05"]}}""", "$.schedule.values[1]"),
        ("""{"lr": [0.1, true], "schedule": {"type": "constant"}}""", "$.lr[1]"),
        ("""{"lr": "0.1", "schedule": {"type": "constant"}}""", "$.lr"),
        ("""{"lr": [], "schedule": {"type": "constant"}}""", "$.lr"),
        ("""{"lr": -0.1, "schedule": {"type": "constant"}}""", "$.lr"),
        ("""{"lr": 0.1, "clock": "hours", "schedule": {"type": "constant"}}""", "$.clock"),
        ("""{"lr": 0.1, "schedule": [1]}""", "$.schedule"),
        ("""[{"lr": 0.1, "schedule": {"type": "constant"}}]""", "$"),
        ("""{"lr": 0.1, "schedule": {"type": 3}}""", "$.schedule.type"),
        ("""{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [2], "schedulers": {"type": "constant"}}}""", "$.schedule.schedulers"),
        ("""{"lr": 0.1, "schedule": {"type": "warmup", "warmup_steps": 3, "schedule": "constant"}}""", "$.schedule.schedule"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": 3}""", "$.on_plateau"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": 32}""", "$.batch"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32.5}}""", "$.batch.batch_size"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "max_micro_batch_size": "big"}""", "$.max_micro_batch_size"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "max_micro_batch_size": 0}""", "$.max_micro_batch_size"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "epoch_boundary": "stop"}""", "$.epoch_boundary"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "duration": "0.5dur"}""", "$.duration"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "duration": true}""", "$.duration"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "evaluation_interval": "often"}""", "$.evaluation_interval"),

        // Missing required values, and sections that need another.
        ("""{"schedule": {"type": "constant"}}""", "$.lr"),
        ("""{"lr": 0.1}""", "$.schedule"),
        ("""{"lr": 0.1, "schedule": {"step_size": 3}}""", "$.schedule.type"),
        ("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR"}}""", "$.schedule.T_max"),
        ("""{"lr": 0.1, "schedule": {"type": "CyclicLR", "base_lr": 0.01}}""", "$.schedule.max_lr"),
        ("""{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [2], "schedulers": [{"type": "StepLR"}, {"type": "constant"}]}}""", "$.schedule.schedulers[0].step_size"),
        ("""{"lr": 0.1, "schedule": {"type": "warmup", "schedule": {"type": "constant"}}}""", "$.schedule.warmup_steps"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed"}}""", "$.batch.batch_size"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"batch_size": 32}}""", "$.batch.type"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "scaling": {"type": "linear"}}""", "$.scaling.reference_batch_size"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "scaling": {"type": "none"}}""", "$.scaling"),
        ("""{"lr": 0.1, "schedule": {"type": "constant"}, "duration": "2ep"}""", "$.duration"),
    ];

    /// <summary>Returns the JSON blocks of the docs (the spec, porting and the README) and the sample that are whole specs: objects with <c>lr</c>.</summary>
    public static IEnumerable<string> FromDocs()
    {
        string root = RepositoryRoot();
        foreach (string doc in (string[])["docs/spec.md", "docs/porting.md", "README.md"])
        {
            string text = File.ReadAllText(Path.Combine(root, doc));
            foreach (Match block in JsonBlock().Matches(text))
            {
                string json = block.Groups[1].Value.Trim();
                if (json.StartsWith('{') && json.Contains("\"lr\"", StringComparison.Ordinal))
                {
                    yield return json;
                }
            }
        }

        yield return File.ReadAllText(Path.Combine(root, "samples", "QuickStart", "schedule.json"));
    }

    /// <summary>Returns the folder that holds <c>BatchLr.sln</c>, above the test's output folder.</summary>
    public static string RepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "BatchLr.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("BatchLr.sln was not found above " + AppContext.BaseDirectory);
    }

    private static Dictionary<string, string> CreateScheduleBases()
    {
        var bases = SpecCase.All.ToDictionary(p => p.Key, p => p.Value.Json);
        bases["ReduceLROnPlateau"] = """{"lr": 0.1, "schedule": {"type": "ReduceLROnPlateau", "patience": 2}}""";
        bases["reduce_lr_on_plateau"] = """{"lr": 0.1, "schedule": {"type": "reduce_lr_on_plateau", "factor": 0.5}}""";
        return bases;
    }

    [GeneratedRegex("```json\\s*\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
