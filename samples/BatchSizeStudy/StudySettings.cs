using System;
using System.Collections.Generic;
using System.Globalization;

namespace BatchSizeStudy;

/// <summary>The study's command line and the sizes it implies: the full study on Fashion-MNIST, or <c>--quick</c> on a small subset.</summary>
internal sealed record StudySettings
{
    /// <summary>The dataset: <c>fashion-mnist</c> (default) or the embedded <c>digits</c>.</summary>
    public string Dataset { get; init; } = "fashion-mnist";

    /// <summary>Where the Fashion-MNIST files are, when not where Debian installs them.</summary>
    public string? DataDir { get; init; }

    /// <summary>Whether to run the short version: a subset of the data, fewer batch sizes, one epoch.</summary>
    public bool Quick { get; init; }

    /// <summary>Whether to run only the start-large-and-halve search.</summary>
    public bool SearchOnly { get; init; }

    /// <summary>The seed of the model's initial weights and the loader's order; every run uses the same.</summary>
    public int Seed { get; init; } = 7;

    /// <summary>How many runs train at once, each on one thread (LibTorch is set to one thread, and each run is timed by its thread's CPU clock).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>The folder the report (<c>batch-size-study.md</c>) and its plots are written to.</summary>
    public string Output { get; init; } = "docs";

    /// <summary>The sample budget every run gets, in epochs: the accuracy "after a fixed sample budget" is read there.</summary>
    public double BudgetEpochs => Quick ? 1 : 3;

    /// <summary>How far a constant-rate fixed-batch run may go past the budget to reach the headline accuracy.</summary>
    public double ExtendedEpochs => Quick ? 2 : 5;

    /// <summary>The epochs between two test evaluations; times and steps to an accuracy are read at these points.</summary>
    public double EvaluationEpochs => Quick ? 0.125 : 0.25;

    /// <summary>The warmup of the warmup variants, in epochs (a tenth of the budget).</summary>
    public double WarmupEpochs => BudgetEpochs / 10;

    /// <summary>The fixed batch sizes of the grid.</summary>
    public IReadOnlyList<int> BatchSizes => Quick ? [16, 64, 256] : [16, 32, 64, 128, 256, 512, 1024];

    /// <summary>The batch size the base rate is tuned for; scaled rates are scaled from it.</summary>
    public int ReferenceBatchSize { get; init; } = 32;

    /// <summary>The rate at the reference batch (SGD with Nesterov momentum 0.9 and weight decay 5e-4, as the QuickStart).</summary>
    public double BaseRate { get; init; } = 0.05;

    /// <summary>The test accuracies whose time and steps are reported.</summary>
    public IReadOnlyList<double> Targets => [0.88, 0.90, Headline];

    /// <summary>The accuracy of the headline: time to it of the best BatchLr recipe over that of the best constant-rate fixed batch.</summary>
    public double Headline { get; init; } = 0.91;

    /// <summary>Training images used (all but in quick mode) and test images used.</summary>
    public (int Train, int Test) Subset => Quick && Dataset == "fashion-mnist" ? (6_000, 2_000) : (int.MaxValue, int.MaxValue);

    /// <summary>The command that reproduces this run, for the report.</summary>
    public string Command => "dotnet run -c Release --project samples/BatchSizeStudy --" +
        (Dataset == "fashion-mnist" ? string.Empty : " --dataset " + Dataset) + (Quick ? " --quick" : string.Empty) +
        (Seed == 7 ? string.Empty : " --seed " + Seed.ToString(CultureInfo.InvariantCulture));

    /// <summary>Parses <c>--dataset NAME --data-dir DIR --quick --search --seed N --workers N --out DIR</c>.</summary>
    /// <exception cref="ArgumentException">An option is unknown or its value is invalid.</exception>
    public static StudySettings Parse(string[] args)
    {
        var settings = new StudySettings();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            settings = args[i] switch
            {
                "--quick" => settings with { Quick = true },
                "--search" => settings with { SearchOnly = true },
                "--dataset" => settings with { Dataset = Value() is var d && d is "digits" or "fashion-mnist" ? d : throw new ArgumentException($"--dataset is '{d}'; it must be digits or fashion-mnist.") },
                "--data-dir" => settings with { DataDir = Value() },
                "--out" => settings with { Output = Value() },
                "--workers" => settings with { Workers = int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int workers) && workers >= 1 ? workers : throw new ArgumentException($"--workers is '{args[i]}'; it must be a whole number of at least 1.") },
                "--seed" => settings with { Seed = int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : throw new ArgumentException($"--seed is '{args[i]}'; it must be a whole number.") },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Options: --dataset digits|fashion-mnist, --data-dir DIR, --quick, --search, --seed N, --workers N, --out DIR."),
            };
        }

        return settings;
    }
}
