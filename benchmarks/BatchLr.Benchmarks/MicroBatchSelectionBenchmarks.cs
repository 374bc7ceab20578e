using System;
using System.Globalization;
using BatchLr.Core.Tests.Memory;
using BatchLr.Memory;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace BatchLr.Benchmarks;

/// <summary>
/// Trials and time to a micro-batch decision on the simulated device: selection by model (a line through two probes,
/// confirmed) against Lightning-style power-plus-binary search (the baseline). The device has 16 GiB, 2 GiB of it held by
/// the model; a step needs 1 GiB plus a per-sample cost set so about <see cref="Fits"/> samples fit under the 10% headroom,
/// plus up to 4 MiB of seeded fragmentation. A step takes 10 ms + 50 µs a sample, 3 steps a trial, and an out-of-memory
/// costs one step. The columns <c>Trials</c> and <c>Device s</c> give each decision's trials and simulated device seconds,
/// which dominate in practice; Mean is the selector's own CPU cost.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(DecisionColumns))]
public class MicroBatchSelectionBenchmarks
{
    private const long GiB = 1L << 30;
    private const long MiB = 1L << 20;
    private const int Max = 4096;

    /// <summary>Gets or sets the micro-batch that about fits.</summary>
    [Params(64, 1000, 3000)]
    public int Fits { get; set; }

    /// <summary>Gets or sets the rounding multiple.</summary>
    [Params(1, 8)]
    public int Multiple { get; set; }

    /// <summary>Checks once, outside the measurements, that both strategies land where the device's formula says.</summary>
    [GlobalSetup]
    public void Setup()
    {
        foreach (MicroBatchStrategy strategy in new[] { MicroBatchStrategy.Search, MicroBatchStrategy.Model })
        {
            (MicroBatchSelection selection, SimulatedDevice device) = Decide(strategy, Fits, Multiple);
            int truth = device.TrueMaximum(1, Max, Multiple, device.LimitBytes(0.1));
            if (selection.MicroBatchSize > truth || selection.MicroBatchSize < truth - Multiple)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{strategy} chose {selection.MicroBatchSize}; the device fits {truth}."));
            }
        }
    }

    [Benchmark(Baseline = true, Description = "search: power of two, then binary")]
    public int Search() => Decide(MicroBatchStrategy.Search, Fits, Multiple).Selection.MicroBatchSize;

    [Benchmark(Description = "model: fitted line, confirmed")]
    public int Model() => Decide(MicroBatchStrategy.Model, Fits, Multiple).Selection.MicroBatchSize;

    /// <summary>Runs one decision on a fresh device (its construction is part of each measurement); also used by the columns.</summary>
    internal static (MicroBatchSelection Selection, SimulatedDevice Device) Decide(MicroBatchStrategy strategy, int fits, int multiple)
    {
        long free = 14 * GiB;
        long perSample = (long)((free * 0.9) - GiB) / fits;
        var device = new SimulatedDevice(16 * GiB, 2 * GiB, GiB, perSample, noiseBytes: 4 * MiB, seed: 7) { SecondsPerStep = b => 0.01 + (50e-6 * b) };
        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, new MicroBatchSelectionOptions
        {
            Strategy = strategy,
            MaxMicroBatchSize = Max,
            Multiple = multiple,
            Memory = device,
        });
        return (selection, device);
    }

    /// <summary>Adds the trial count and the simulated device seconds of each case's decision.</summary>
    private sealed class DecisionColumns : ManualConfig
    {
        public DecisionColumns()
        {
            AddColumn(new DecisionColumn("Trials", (s, _) => s.Trials.Count.ToString(CultureInfo.InvariantCulture)));
            AddColumn(new DecisionColumn("Device s", (_, d) => d.DeviceSeconds.ToString("F2", CultureInfo.InvariantCulture)));
        }
    }

    private sealed class DecisionColumn(string name, Func<MicroBatchSelection, SimulatedDevice, string> value) : IColumn
    {
        public string Id => nameof(DecisionColumn) + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => name == "Trials" ? "Trials the selection ran" : "Simulated device seconds of those trials";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var strategy = benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(Model) ? MicroBatchStrategy.Model : MicroBatchStrategy.Search;
            int fits = (int)benchmarkCase.Parameters[nameof(Fits)];
            int multiple = (int)benchmarkCase.Parameters[nameof(Multiple)];
            (MicroBatchSelection selection, SimulatedDevice device) = Decide(strategy, fits, multiple);
            return value(selection, device);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
