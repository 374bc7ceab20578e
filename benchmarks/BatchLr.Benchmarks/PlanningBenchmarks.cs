using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Scaling;
using BatchLr.Schedules;
using BenchmarkDotNet.Attributes;

namespace BatchLr.Benchmarks;

/// <summary>
/// The per-step cost of asking the planner for a plan and reporting the outcome, next to the reference
/// cost of one schedule evaluation measured in the same run.
/// </summary>
[MemoryDiagnoser]
public class PlanningBenchmarks
{
    private const int Horizon = 100_000;
    private LearningRateSchedule _schedule = null!;
    private TrainingPlanner _fixedPlanner = null!;
    private TrainingPlanner _adaptivePlanner = null!;
    private TrainingPlanner _reactivePlanner = null!;
    private StepOutcome _outcome;
    private int _step;

    [GlobalSetup]
    public void Setup()
    {
        _schedule = Schedule.CosineAnnealing(0.1, 1e-4, Horizon).WithWarmup(1000);
        _fixedPlanner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([_schedule]),
            BatchSize = BatchSizePolicy.Fixed(256),
            Scaling = LearningRateScaling.Linear(256),
            DatasetSize = 50_000,
            MaxMicroBatchSize = 64,
        });
        _adaptivePlanner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([_schedule]),
            BatchSize = BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 64, UpdateInterval = 50, Constraints = new BatchSizeConstraints(multiple: 8, maximum: 4096) }),
            Scaling = LearningRateScaling.AdaScale(64),
            DatasetSize = 50_000,
            MaxMicroBatchSize = 128,
        });
        _reactivePlanner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([_schedule]).WithPlateau(new ReduceOnPlateauOptions { Patience = 5, Monitor = PlateauMonitor.TrainingLoss, LossWindow = 50 }),
            BatchSize = BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(256, new BatchSizeConstraints(maximum: 256)), new PlateauBatchSizeOptions { Monitor = PlateauMonitor.TrainingLoss }),
            Scaling = LearningRateScaling.Linear(256),
            DatasetSize = 50_000,
            MaxMicroBatchSize = 64,
            EvaluationInterval = TrainingDuration.Epochs(0.5),
        });
        _outcome = new StepOutcome(256) { Gradients = new GradientStatistics(32, 2.0, 256, 1.0), Seconds = 0.2 };
    }

    [Benchmark(Baseline = true, Description = "one schedule evaluation")]
    public double ScheduleEvaluation()
    {
        _step = _step == Horizon ? 0 : _step + 1;
        return _schedule.Evaluate(_step);
    }

    [Benchmark(Description = "plan + complete, fixed batch, linear scaling")]
    public double FixedPlanAndComplete()
    {
        StepPlan plan = _fixedPlanner.Plan();
        _fixedPlanner.Complete(_outcome);
        return plan.LearningRate;
    }

    [Benchmark(Description = "plan + complete, noise-adaptive batch, AdaScale, gradient stats")]
    public double AdaptivePlanAndComplete()
    {
        StepPlan plan = _adaptivePlanner.Plan();
        _adaptivePlanner.Complete(_outcome with { Samples = plan.Batch.GlobalBatchSize });
        return plan.LearningRate;
    }

    [Benchmark(Description = "plan + complete, cosine x plateau factor on the loss, batch x plateau factor, evaluation points")]
    public double ReactivePlanAndComplete()
    {
        StepPlan plan = _reactivePlanner.Plan();
        _reactivePlanner.Complete(_outcome with { Loss = 1.0 });
        return plan.LearningRate;
    }
}
