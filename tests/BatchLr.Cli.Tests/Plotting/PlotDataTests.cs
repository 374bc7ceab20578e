using System.Linq;
using BatchLr.Cli.Plotting;
using BatchLr.Cli.Tracing;

namespace BatchLr.Cli.Tests.Plotting;

/// <summary>Tests of <see cref="PlotData"/>: the points of a plot are the values <c>batchlr schedule</c> prints.</summary>
public sealed class PlotDataTests
{
    [Fact]
    public void Collect_PlanOnSamples_PutsTheBatchSizesOnTheSampleAxis()
    {
        // Megatron's ramp 4, 4, 100 to 16 (reached at row 16, 104 samples) with micro-batches of at most 6: 4 (one of 4), 8 (two of 4),
        // 12 (two of 6), 16 (three of 6).
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "linear_ramp", "start": 4, "increment": 4, "ramp_samples": 100, "target": 16}, "max_micro_batch_size": 6}""");

        PlotData data = PlotData.Collect(StepTrace.Start(spec, new TraceInputs(18, [], null, null)), PlotAxis.Samples);

        data.XLabel.Should().Be("samples consumed");
        data.Series.Select(s => (s.Name, s.IsSampleCount)).Should().Equal(("lr", false), ("batch", true), ("micro_batch", true));
        double[] batch = data.Series[1].Values;
        data.X.Should().HaveCount(18);
        data.X[0].Should().Be(0);
        for (int s = 1; s < 18; s++)
        {
            data.X[s].Should().Be(data.X[s - 1] + batch[s - 1], "each step consumes its batch");
        }

        batch.Zip(data.Series[2].Values).Distinct().Should().Equal((4, 4), (8, 4), (12, 6), (16, 6));
        data.Series[0].Values.Should().OnlyContain(v => v == 0.1);
    }

    [Fact]
    public void Collect_PlanOnEpochs_CountsSamplesOverTheDatasetSize()
    {
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}}""");

        PlotData data = PlotData.Collect(StepTrace.Start(spec, new TraceInputs(4, [], 100, null)), PlotAxis.Epochs);

        data.XLabel.Should().Be("epochs");
        data.X.Should().Equal(0, 0.32, 0.64, 0.96);
    }

    [Fact]
    public void Collect_ScheduleWithMomentum_HasOneCurvePerGroupAndNoBatch()
    {
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": [0.1, 0.01], "clock": "samples", "schedule": {"type": "OneCycleLR", "max_lr": [0.1, 0.01], "total_steps": 10}}""");

        PlotData data = PlotData.Collect(StepTrace.Start(spec, new TraceInputs(10, [], null, null)), PlotAxis.Steps);

        data.XLabel.Should().Be("samples (the spec's clock)");
        data.X.Should().Equal(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        data.Series.Select(s => s.Name).Should().Equal("lr_0", "lr_1", "momentum_0", "momentum_1");
        data.Series.Should().OnlyContain(s => !s.IsSampleCount);
        data.Series[0].Values[0].Should().BeApproximately(0.1 / 25, 1e-15, "OneCycleLR starts at max_lr / div_factor");
        data.Series[2].Values[0].Should().BeApproximately(0.95, 1e-15);
    }
}
