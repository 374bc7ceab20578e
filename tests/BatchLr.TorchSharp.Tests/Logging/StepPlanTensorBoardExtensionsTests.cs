using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Schedules;
using static TorchSharp.torch.utils.tensorboard;

namespace BatchLr.TorchSharp.Tests.Logging;

public sealed class StepPlanTensorBoardExtensionsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("batchlr-tensorboard-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void WriteTo_PlansOfAPlanner_WritesAnEventFileWithEveryTagAtEachStep()
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule(
                [Schedule.CosineAnnealing(0.1, 0.0, 10), Schedule.Constant(0.02)],
                [Schedule.Linear(0.95, 0.85, 10), Schedule.Constant(0.9)]),
            BatchSize = BatchSizePolicy.Steps([1.0], [64, 96]),
            MaxMicroBatchSize = 32,
            NoiseDecay = 0.0,
        });
        var writer = SummaryWriter(_folder.FullName);
        var plans = new List<StepPlan>();

        for (int step = 0; step < 3; step++)
        {
            StepPlan plan = planner.Plan();
            plan.WriteTo(writer);
            plans.Add(plan);
            var statistics = new GradientStatistics(16, 0.5 + (64.0 / 16), 64, 0.5 + (64.0 / 64)); // |G|² = 0.5, tr(Σ) = 64
            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize) { Gradients = statistics });
        }

        List<(string Tag, long Step, float Value)> scalars = ReadScalars();

        string[] always =
        [
            "batchlr/learning_rate/0", "batchlr/learning_rate/1", "batchlr/momentum/0", "batchlr/momentum/1",
            "batchlr/batch_size", "batchlr/micro_batch_size", "batchlr/accumulation_steps",
        ];
        scalars.Where(s => s.Step == 0).Select(s => s.Tag).Should().BeEquivalentTo(always, "no noise is known before the first step");
        scalars.Where(s => s.Step == 2).Select(s => s.Tag).Should().BeEquivalentTo(always.Append("batchlr/noise_scale"));
        for (int step = 0; step < 3; step++)
        {
            StepPlan plan = plans[step];
            Value(scalars, "batchlr/learning_rate/0", step).Should().Be((float)plan.GetLearningRate(0));
            Value(scalars, "batchlr/learning_rate/1", step).Should().Be(0.02f);
            Value(scalars, "batchlr/momentum/0", step).Should().Be((float)plan.GetMomentum(0));
            Value(scalars, "batchlr/batch_size", step).Should().Be(step == 0 ? 64 : 96);
            Value(scalars, "batchlr/micro_batch_size", step).Should().Be(32);
            Value(scalars, "batchlr/accumulation_steps", step).Should().Be(step == 0 ? 2 : 3);
        }

        Value(scalars, "batchlr/noise_scale", 1).Should().BeApproximately(128f, 1e-3f);
    }

    [Fact]
    public void WriteTo_ExplicitStep_RecordsTheScalarsThere()
    {
        StepPlan plan = Planner().Plan();
        var writer = SummaryWriter(_folder.FullName);

        plan.WriteTo(writer, step: 1234);

        List<(string Tag, long Step, float Value)> scalars = ReadScalars();
        scalars.Should().HaveCount(4).And.OnlyContain(s => s.Step == 1234);
        scalars.Select(s => s.Tag).Should().Contain("batchlr/learning_rate/0").And.NotContain(t => t.StartsWith("batchlr/momentum", StringComparison.Ordinal));
    }

    [Fact]
    public void WriteTo_BadArguments_ThrowNamingThemAndWriteNoScalar()
    {
        StepPlan plan = Planner().Plan();
        var writer = SummaryWriter(_folder.FullName);

        FluentActions.Invoking(() => plan.WriteTo(null!)).Should().Throw<ArgumentNullException>().WithParameterName("writer");
        FluentActions.Invoking(() => default(StepPlan).WriteTo(writer)).Should().Throw<ArgumentException>().WithParameterName("plan").WithMessage("*empty*");
        FluentActions.Invoking(() => plan.WriteTo(writer, -1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("step").WithMessage("*'step' is -1*from 0 to int.MaxValue*");
        FluentActions.Invoking(() => plan.WriteTo(writer, 1L + int.MaxValue)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("step");

        ReadScalars().Should().BeEmpty();
    }

    private static TrainingPlanner Planner() => new(new TrainingPlannerOptions
    {
        Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
        BatchSize = BatchSizePolicy.Fixed(8),
    });

    private static float Value(List<(string Tag, long Step, float Value)> scalars, string tag, long step) =>
        scalars.Single(s => s.Tag == tag && s.Step == step).Value;

    /// <summary>Reads the TFRecord framing of the one event file: a 64-bit length, its CRC, the serialized event, the event's CRC.</summary>
    private List<(string Tag, long Step, float Value)> ReadScalars()
    {
        FileInfo file = _folder.GetFiles("events.out.tfevents.*").Should().ContainSingle().Subject;
        using var reader = new BinaryReader(file.OpenRead());
        var scalars = new List<(string, long, float)>();
        bool first = true;
        while (reader.BaseStream.Position < reader.BaseStream.Length)
        {
            long length = reader.ReadInt64();
            reader.ReadUInt32();
            var evnt = Tensorboard.Event.Parser.ParseFrom(reader.ReadBytes((int)length));
            reader.ReadUInt32();
            if (first)
            {
                evnt.FileVersion.Should().Be("brain.Event:2");
                first = false;
                continue;
            }

            scalars.AddRange(evnt.Summary.Value.Select(v => (v.Tag, evnt.Step, v.SimpleValue)));
        }

        first.Should().BeFalse("the file starts with its version record");
        return scalars;
    }
}
