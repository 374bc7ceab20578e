using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Logging;
using BatchLr.Schedules;
using Microsoft.Extensions.Logging;

namespace BatchLr.Core.Tests.Logging;

/// <summary>The events of <see cref="PlanLogger"/>, driven by real planners: each exactly when its change reaches a plan, and none otherwise.</summary>
public class PlanLoggerTests
{
    private const int BatchSizeChanged = 1;
    private const int LearningRateReduced = 2;
    private const int BatchSizeChangedOnPlateau = 3;

    [Fact]
    public void Observe_ScheduledBatchChange_LogsEvent1OnceAtTheFirstStepWithTheNewBatch()
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
            BatchSize = BatchSizePolicy.Steps([3.0], [8, 16]),
            MaxMicroBatchSize = 8,
        });
        var logger = new CollectingLogger();

        Run(planner, new PlanLogger(logger), steps: 8);

        LogEntry entry = logger.Entries.Should().ContainSingle().Subject;
        entry.Id.Id.Should().Be(BatchSizeChanged);
        entry.Id.Name.Should().Be("BatchSizeChanged");
        entry.Level.Should().Be(LogLevel.Information);
        entry.Values.Should().Contain(new Dictionary<string, object?>
        {
            ["Step"] = 3L,
            ["PreviousBatchSize"] = 8,
            ["BatchSize"] = 16,
            ["MicroBatchSize"] = 8,
            ["AccumulationSteps"] = 2,
            ["Replicas"] = 1,
        });
        entry.Message.Should().Be("The batch size changes from 8 to 16 at step 3: 2 micro-batches of up to 8 on each of 1 replicas");
    }

    [Fact]
    public void Observe_PlateauReducesTheRate_LogsEvent2ForEachGroupAtTheFirstReducedPlan()
    {
        var schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.1, 0.0, 100), Schedule.Constant(0.02)])
            .WithPlateau(new ReduceOnPlateauOptions { Patience = 0, Factor = 0.5 });
        var planner = new TrainingPlanner(new TrainingPlannerOptions { Schedule = schedule, BatchSize = BatchSizePolicy.Fixed(8) });
        var logger = new CollectingLogger();

        // Validation after steps 4 and 5: the first sets the best, the second stalls, and with patience 0 the factor halves.
        List<StepPlan> plans = Run(planner, new PlanLogger(logger), steps: 10, afterStep: step =>
        {
            if (step is 4 or 5)
            {
                planner.Report(1.0);
            }
        });

        logger.Entries.Should().HaveCount(2).And.OnlyContain(e => e.Id.Id == LearningRateReduced && e.Id.Name == "LearningRateReducedOnPlateau");
        for (int group = 0; group < 2; group++)
        {
            logger.Entries[group].Values.Should().Contain(new Dictionary<string, object?>
            {
                ["Step"] = 6L,
                ["Group"] = group,
                ["Factor"] = 0.5,
                ["LearningRate"] = plans[6].GetLearningRate(group),
            });
        }

        plans[6].GetLearningRate(1).Should().Be(0.01, "the reduction the event reports is the one the plan carries");
        logger.Entries[1].Message.Should().Be("A plateau reduced the learning rate of group 1 by a factor of 0.5 to 0.01 at step 6");
    }

    [Fact]
    public void Observe_ConstantWithPlateau_ReportsTheRatioOfTheRates()
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = OptimizerSchedule.ConstantWithPlateau(new ReduceOnPlateauOptions { Patience = 0, Factor = 0.1 }, [0.3]),
            BatchSize = BatchSizePolicy.Fixed(8),
        });
        var logger = new CollectingLogger();
        planner.Report(2.0);

        Run(planner, new PlanLogger(logger), steps: 4, afterStep: step =>
        {
            if (step == 1)
            {
                planner.Report(2.0);
            }
        });

        LogEntry entry = logger.Entries.Should().ContainSingle().Subject;
        entry.Id.Id.Should().Be(LearningRateReduced);
        entry.Values["Step"].Should().Be(2L);
        ((double)entry.Values["Factor"]!).Should().BeApproximately(0.1, 1e-15);
        entry.Values["LearningRate"].Should().Be(0.3 * 0.1);
    }

    [Theory]
    [InlineData(16, 2.0, "grew", 32)]
    [InlineData(32, 0.5, "shrank", 16)]
    public void Observe_PlateauChangesTheBatch_LogsEvent3AndEvent1(int start, double factor, string direction, int after)
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
            BatchSize = BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(start), new PlateauBatchSizeOptions { Patience = 0, Factor = factor }),
        });
        var logger = new CollectingLogger();

        Run(planner, new PlanLogger(logger), steps: 6, afterStep: step =>
        {
            if (step is 1 or 2)
            {
                planner.Report(1.0);
            }
        });

        logger.Entries.Select(e => e.Id.Id).Should().Equal(BatchSizeChanged, BatchSizeChangedOnPlateau);
        logger.Entries[0].Values.Should().Contain(new Dictionary<string, object?> { ["Step"] = 3L, ["PreviousBatchSize"] = start, ["BatchSize"] = after });
        LogEntry plateau = logger.Entries[1];
        plateau.Id.Name.Should().Be("BatchSizeChangedOnPlateau");
        plateau.Values.Should().Contain(new Dictionary<string, object?>
        {
            ["Step"] = 3L,
            ["Direction"] = direction,
            ["PreviousMultiplier"] = 1.0,
            ["Multiplier"] = factor,
            ["PreviousBatchSize"] = start,
            ["BatchSize"] = after,
        });
        plateau.Message.Should().StartWith($"A plateau {direction} the batch at step 3");
    }

    [Fact]
    public void Observe_PlateauMultiplierChangesButTheLimitKeepsTheBatch_LogsEvent3Only()
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
            BatchSize = BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(16, new BatchSizeConstraints(maximum: 16)), new PlateauBatchSizeOptions { Patience = 0 }),
        });
        var logger = new CollectingLogger();
        planner.Report(1.0);
        planner.Report(1.0);

        var log = new PlanLogger(logger);
        log.Observe(planner.Plan());
        planner.Report(1.0); // a plateau: the multiplier doubles again, the batch stays at its maximum of 16
        planner.Complete(new StepOutcome(16));
        log.Observe(planner.Plan());

        LogEntry entry = logger.Entries.Should().ContainSingle().Subject;
        entry.Id.Id.Should().Be(BatchSizeChangedOnPlateau);
        entry.Values.Should().Contain(new Dictionary<string, object?> { ["PreviousMultiplier"] = 2.0, ["Multiplier"] = 4.0, ["PreviousBatchSize"] = 16, ["BatchSize"] = 16 });
    }

    [Fact]
    public void Observe_NothingChanges_LogsNothing()
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.1, 0.0, 50)]).WithPlateau(new ReduceOnPlateauOptions { Patience = 3 }),
            BatchSize = BatchSizePolicy.Fixed(8),
        });
        var logger = new CollectingLogger();
        var log = new PlanLogger(logger);

        Run(planner, log, steps: 50, afterStep: step => planner.Report(1.0 - (step / 100.0)));
        log.Observe(planner.Plan());
        log.Observe(planner.Plan());

        logger.Entries.Should().BeEmpty("the rate follows its schedule, improving metrics never reduce it, and the batch is fixed");
    }

    [Fact]
    public void Observe_LevelDisabled_LogsNothingWhateverChanges()
    {
        var logger = new CollectingLogger(LogLevel.Warning);

        Run(CyclingPlanner(), new PlanLogger(logger), steps: 20);

        logger.Entries.Should().BeEmpty();
    }

    [Fact]
    public void Observe_NothingChangedOrLevelDisabled_AllocatesNothing()
    {
        StepPlan[] steady = Plans(new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.1, 0.0, 500), Schedule.Constant(0.01)], [Schedule.Constant(0.9), Schedule.Constant(0.9)]),
            BatchSize = BatchSizePolicy.Fixed(8),
        }), 500);
        StepPlan[] cycling = Plans(CyclingPlanner(), 500);
        var enabled = new PlanLogger(new CollectingLogger());
        var disabled = new PlanLogger(new CollectingLogger(LogLevel.Error));
        enabled.Observe(steady[0]);
        disabled.Observe(cycling[0]);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1; i < 500; i++)
        {
            enabled.Observe(steady[i]);
            disabled.Observe(cycling[i]);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
        cycling.Zip(cycling.Skip(1)).Count(pair => pair.First.Batch != pair.Second.Batch).Should().BeGreaterThan(250, "the disabled logger saw changes");
    }

    [Fact]
    public void Observe_PlanOfAnotherGroupCount_IsOnlyRecorded()
    {
        var logger = new CollectingLogger();
        var log = new PlanLogger(logger);
        StepPlan two = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(0.1), Schedule.Constant(0.2)]),
            BatchSize = BatchSizePolicy.Fixed(16),
        }).Plan();

        log.Observe(two);
        log.Observe(CyclingPlanner().Plan());

        logger.Entries.Should().BeEmpty("the batch went from 16 to 8, but the plans are of different models");
    }

    [Fact]
    public void Observe_EmptyPlan_ThrowsNamingPlan()
    {
        var act = () => new PlanLogger(new CollectingLogger()).Observe(default);

        act.Should().Throw<ArgumentException>().WithParameterName("plan").WithMessage("*empty*TrainingPlanner.Plan()*");
    }

    [Fact]
    public void Constructor_NullLogger_ThrowsNamingLogger()
    {
        var act = () => new PlanLogger(null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("logger");
    }

    /// <summary>A planner whose batch changes at almost every step: a cycle between 8 and 64 over 10 steps.</summary>
    private static TrainingPlanner CyclingPlanner() => new(new TrainingPlannerOptions
    {
        Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
        BatchSize = BatchSizePolicy.Cyclic(8, 64, 10),
    });

    private static List<StepPlan> Run(TrainingPlanner planner, PlanLogger log, int steps, Action<int>? afterStep = null)
    {
        var plans = new List<StepPlan>();
        for (int step = 0; step < steps; step++)
        {
            StepPlan plan = planner.Plan();
            log.Observe(plan);
            plans.Add(plan);
            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize));
            afterStep?.Invoke(step);
        }

        return plans;
    }

    private static StepPlan[] Plans(TrainingPlanner planner, int steps)
    {
        var plans = new StepPlan[steps];
        for (int step = 0; step < steps; step++)
        {
            plans[step] = planner.Plan();
            planner.Complete(new StepOutcome(plans[step].Batch.GlobalBatchSize));
        }

        return plans;
    }
}
