using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using BatchLr.Batching;
using BatchLr.Core.Tests.Schedules;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Feedback;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Batching;

/// <summary>
/// Properties of every batch-size policy over generated parameters and constraints: each size is allowed by the policy's
/// constraints at any point of training, near or far; closed-form policies answer any order alike; adaptive policies resumed
/// from a saved state (through JSON) continue exactly as the uninterrupted policy; a broken parameter is an
/// <see cref="ArgumentException"/> naming it.
/// </summary>
public class BatchSizePolicyPropertyTests
{
    private static readonly Gen<BatchSizeConstraints> Constraints =
        Gen.Select(Gen.Int[1, 64], Gen.OneOf(Gen.Const(int.MaxValue), Gen.Int[64, 1 << 20]), Gen.OneOf(1, 2, 8, 64), Gen.OneOf(1, 2, 4, 8))
            .Select(Gen.OneOf(Gen.Const((int[]?)null), Gen.Int[1, 6].Array[1, 3].Select(a => (int[]?)a)))
            .Select((p, elastic) => Try(() => new BatchSizeConstraints(p.Item1, p.Item2, p.Item3, p.Item4, elastic)))
            .Where(c => c is not null)
            .Select(c => c!);

    /// <summary>Points of training, near and far, on every clock at once.</summary>
    private static readonly Gen<TrainingProgress[]> Points =
        Gen.Select(Gen.OneOf(Gen.Long[0, 10_000], Gen.Long[0, long.MaxValue / 4096]), Gen.Double[0, 1e6])
            .Select((step, epoch) => new TrainingProgress(step, step * 64, step * 4096, epoch))
            .Array[20, 40];

    private static readonly Gen<(IBatchSizePolicy Policy, string Description)> ClosedForm = Constraints.SelectMany(c => Gen.OneOf(
        Gen.Int[0, 4096].Select(k => Policy(BatchSizePolicy.Fixed(Allowed(c, k), c), "Fixed", k)),
        ScheduleGen.Ascending(0, 5).SelectMany(m => Gen.Int[1, 100_000].Array[m.Length + 1].Select(Gen.OneOf(ProgressClock.Steps, ProgressClock.Samples, ProgressClock.Tokens, ProgressClock.Epochs))
            .Select((sizes, clock) => Policy(BatchSizePolicy.Steps(m, sizes, clock, c), "Steps " + clock, [.. m, .. sizes.Select(s => (double)s)]))),
        Gen.Select(Gen.Int[1, 64], Gen.Int[1, 64], Gen.Int[1, 32], ScheduleGen.Length)
            .Select((a, b, n, samples) => Policy(
                BatchSizePolicy.LinearRamp(c.Granularity * a, c.Granularity * b, (long)Math.Clamp(samples, 1, 1e15), (c.Granularity * a) + (c.Granularity * b * n), c),
                "LinearRamp",
                a,
                b,
                n,
                samples)),
        Gen.Select(Gen.Int[1, 1 << 16], Gen.Int[0, 1 << 16], Gen.Long[1, long.MaxValue / 2])
            .Select((start, extra, tokens) => Policy(BatchSizePolicy.TokenRamp(start, start + extra, tokens, c), "TokenRamp", start, extra, tokens)),
        Gen.Select(Gen.Int[1, 4096], Gen.OneOf(Gen.Double[1.000001, 10], Gen.Const(1e300)), ScheduleGen.Length, Gen.Int[0, 1 << 20])
            .Select((initial, factor, interval, extra) => Policy(BatchSizePolicy.Geometric(initial, factor, interval, initial + extra, ProgressClock.Steps, c), "Geometric", initial, factor, interval, extra)),
        Gen.Select(Gen.Int[1, 4096], Gen.Int[0, 1 << 16], ScheduleGen.Length.Where(p => p / 2 > 0))
            .Select((min, extra, period) => Policy(BatchSizePolicy.Cyclic(min, min + extra, period, ProgressClock.Samples, c), "Cyclic", min, extra, period)),
        Gen.Select(ScheduleGen.PositiveValue, Gen.Double[0, 1], ScheduleGen.Length, Gen.Int[1, 1024], Gen.Int[0, 1 << 16])
            .Select((peak, floor, length, reference, extra) => Policy(
                BatchSizePolicy.DecayEquivalent(Schedule.CosineAnnealing(peak, peak * floor, length), reference, reference + extra, c),
                "DecayEquivalent",
                peak,
                floor,
                length,
                reference,
                extra))));

    public static IEnumerable<object[]> BadCalls() =>
    [
        Bad(() => new BatchSizeConstraints(minimum: 0), "minimum", "'minimum' is 0"),
        Bad(() => new BatchSizeConstraints(minimum: 64, maximum: 32), "maximum", "'maximum' is 32"),
        Bad(() => new BatchSizeConstraints(multiple: 0), "multiple", "'multiple' is 0"),
        Bad(() => new BatchSizeConstraints(elasticReplicaCounts: [2, 0]), "elasticReplicaCounts[1]", "'elasticReplicaCounts[1]' is 0"),
        Bad(() => BatchSizePolicy.Fixed(0), "batchSize", "'batchSize' is 0"),
        Bad(() => BatchSizePolicy.Fixed(30, new BatchSizeConstraints(multiple: 8)), "batchSize", "'batchSize' is 30"),
        Bad(() => BatchSizePolicy.Steps([5.0], [32, -1]), "sizes[1]", "'sizes[1]' is -1"),
        Bad(() => BatchSizePolicy.Steps([double.NaN], [32, 64]), "milestones[0]", "'milestones[0]' is NaN"),
        Bad(() => BatchSizePolicy.LinearRamp(32, 0, 100, 64), "increment", "'increment' is 0"),
        Bad(() => BatchSizePolicy.LinearRamp(32, 32, 100, 80), "increment", "'increment' is 32"),
        Bad(() => BatchSizePolicy.TokenRamp(32, 64, 0), "rampTokens", "'rampTokens' is 0"),
        Bad(() => BatchSizePolicy.Geometric(32, double.PositiveInfinity, 10, 512), "factor", "'factor' is Infinity"),
        Bad(() => BatchSizePolicy.Geometric(32, 2, double.NaN, 512), "interval", "'interval' is NaN"),
        Bad(() => BatchSizePolicy.Cyclic(0, 64, 10), "minimum", "'minimum' is 0"),
        Bad(() => BatchSizePolicy.Cyclic(32, 64, 5e-324), "period", "'period' is 5E-324"), // its half, the rise, is 0: found by the property below
        Bad(() => BatchSizePolicy.DecayEquivalent(Schedule.Constant(0.1), 0, 64), "referenceBatchSize", "'referenceBatchSize' is 0"),
        Bad(() => BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 32, TargetMultiple = double.NaN }), "options", "'options.TargetMultiple' is NaN"),
        Bad(() => BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 0 }), "options", "'options.UpdateInterval' is 0"),
        Bad(() => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 0 }), "options", "'options.InitialBatchSize' is 0"),
        Bad(() => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, SwitchThreshold = -1 }), "options", "'options.SwitchThreshold' is -1"),
        Bad(() => BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(32), new PlateauBatchSizeOptions { Factor = 1 }), "options", "'options.Factor' is 1"),
        Bad(() => BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(32), new PlateauBatchSizeOptions { Patience = -1 }), "options", "'options.Patience' is -1"),
    ];

    [Fact]
    public void ClosedForm_AnyParametersAndConstraints_GiveAllowedSizesInAnyOrder()
    {
        Gen.Select(ClosedForm, Points, Gen.Int).Sample((p, points, seed) =>
        {
            int[] sequential = points.Select(point => p.Policy.GetBatchSize(point)).ToArray();
            sequential.Should().OnlyContain(size => p.Policy.Constraints.Allows(size), "{0} must give sizes its constraints allow", p.Description);

            int[] order = Enumerable.Range(0, points.Length).ToArray();
            new Random(seed).Shuffle(order);
            foreach (int i in order)
            {
                p.Policy.GetBatchSize(points[i]).Should().Be(sequential[i], "{0} at {1} must not depend on the order of the questions", p.Description, points[i]);
            }
        });
    }

    [Fact]
    public void Adaptive_ResumedFromSavedStateThroughJson_ContinuesAsTheUninterruptedPolicy()
    {
        Gen.Select(Adaptive(), Events(), Gen.Double[0, 1]).Sample((make, events, split) =>
        {
            IAdaptiveBatchSizePolicy straight = make.Create();
            IAdaptiveBatchSizePolicy resumed = make.Create();
            int cut = (int)(split * events.Length);
            for (int i = 0; i < events.Length; i++)
            {
                if (i == cut)
                {
                    string json = JsonSerializer.Serialize(resumed.State);
                    resumed = make.Create();
                    resumed.Restore(JsonSerializer.Deserialize<AdaptiveBatchState>(json)!);
                }

                Apply(straight, events[i], i);
                Apply(resumed, events[i], i);
                int size = straight.GetBatchSize(TrainingProgress.AtStep(i));
                straight.Constraints.Allows(size).Should().BeTrue("{0} gave {1} after event {2}", make.Description, size, i);
                resumed.GetBatchSize(TrainingProgress.AtStep(i)).Should().Be(size, "{0} resumed at event {1} must follow the same sizes, here after event {2}", make.Description, cut, i);
                resumed.State.Should().Be(straight.State);
            }
        });
    }

    [Theory]
    [MemberData(nameof(BadCalls))]
    public void Factory_BrokenParameter_ThrowsArgumentExceptionNamingParameterValueAndRule(Func<object> call, string parameter, string named)
    {
        Exception? thrown = Watchdog.Returns(
            () =>
            {
                try
                {
                    call();
                    return null;
                }
                catch (Exception e)
                {
                    return e;
                }
            },
            named);

        thrown.Should().BeAssignableTo<ArgumentException>();
        ((ArgumentException)thrown!).ParamName.Should().Be(parameter);
        thrown!.Message.Should().Contain(named).And.Contain("must");
    }

    /// <summary>Adaptive policies from generated options, each made afresh on demand so a resumed copy starts from the same options.</summary>
    private static Gen<(Func<IAdaptiveBatchSizePolicy> Create, string Description)> Adaptive() => Constraints.SelectMany(c => Gen.OneOf(
        Gen.Select(Gen.Int[0, 256], Gen.Double[0.01, 100], Gen.Double[1.01, 10], Gen.Int[1, 20])
            .Select((k, multiple, change, interval) => Make(
                () => BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = Allowed(c, k), TargetMultiple = multiple, MaxChangeFactor = change, UpdateInterval = interval, Constraints = c }),
                "NoiseAdaptive",
                k,
                multiple,
                change,
                interval)),
        Gen.Select(Gen.Int[0, 256], Gen.Double[1.5, 4], Gen.Double[0, 0.5], Gen.Int[1, 10], Gen.Double[0.01, 2])
            .Where(t => c.HighestAllowed <= (1 << 22) || t.Item2 >= 1.5)
            .Select((k, ratio, threshold, interval, residual) => Make(
                () => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = Allowed(c, k), CandidateRatio = ratio, SwitchThreshold = threshold, UpdateInterval = interval, ResidualThreshold = residual, Constraints = c }),
                "Goodput",
                k,
                ratio,
                threshold,
                interval,
                residual)),
        Gen.Select(Gen.Int[0, 256], Gen.OneOf(Gen.Double[0.1, 0.99], Gen.Double[1.01, 4]), Gen.Int[0, 5], Gen.Int[0, 3], Gen.Bool)
            .Select((k, factor, patience, cooldown, loss) => Make(
                () => BatchSizePolicy.OnPlateau(
                    BatchSizePolicy.Fixed(Allowed(c, k), c),
                    new PlateauBatchSizeOptions { Factor = factor, Patience = patience, Cooldown = cooldown, Monitor = loss ? PlateauMonitor.TrainingLoss : PlateauMonitor.ReportedMetric, LossWindow = 3 }),
                "OnPlateau(Fixed)",
                k,
                factor,
                patience,
                cooldown))));

    /// <summary>What happens between two questions: a finished step with what it measured, and sometimes a reported metric.</summary>
    private static Gen<(double Noise, double Trace, double Loss, double Seconds, double? Metric)[]> Events() =>
        Gen.Select(
                Gen.OneOf(Gen.Double[1e-6, 10], Gen.Const(double.NaN)),
                Gen.Double[1e-3, 1e6],
                Gen.Double[0, 10],
                Gen.Double[1e-4, 10],
                Gen.OneOf(Gen.Const((double?)null), Gen.Double[0, 10].Select(m => (double?)m)))
            .Array[1, 120];

    private static void Apply(IAdaptiveBatchSizePolicy policy, (double Noise, double Trace, double Loss, double Seconds, double? Metric) e, int step)
    {
        int size = policy.GetBatchSize(TrainingProgress.AtStep(step));
        GradientNoise noise = double.IsNaN(e.Noise) ? GradientNoise.Unknown : new GradientNoise(e.Noise, e.Trace);
        var plan = BatchPlan.Create(size, int.MaxValue, policy.Constraints.Replicas);
        policy.Observe(new BatchFeedback(TrainingProgress.AtStep(step + 1), plan) { Noise = noise, Loss = e.Loss, StepSeconds = e.Seconds * (1 + (size / 1024.0)) });
        if (e.Metric is { } metric)
        {
            policy.Report(metric);
        }
    }

    /// <summary>The allowed size <c>k</c> granularity steps above the lowest, or the highest.</summary>
    private static int Allowed(BatchSizeConstraints c, int k) => (int)Math.Min(c.LowestAllowed + ((long)k * c.Granularity), c.HighestAllowed);

    private static (IBatchSizePolicy, string) Policy(IBatchSizePolicy policy, string name, params double[] parameters) => (policy, name + " " + ScheduleGen.Show(parameters));

    private static (Func<IAdaptiveBatchSizePolicy>, string) Make(Func<IAdaptiveBatchSizePolicy> create, string name, params double[] parameters) => (create, name + " " + ScheduleGen.Show(parameters));

    private static object[] Bad(Func<object> call, string parameter, string named) => [call, parameter, named];

    private static T? Try<T>(Func<T> create)
        where T : class
    {
        try
        {
            return create();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
