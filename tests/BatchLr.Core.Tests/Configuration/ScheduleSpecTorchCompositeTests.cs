using System;
using BatchLr.Configuration;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Configuration;

/// <summary>
/// PyTorch's composites, ChainedScheduler and SequentialLR, as the spec builds them: the base each scheduler captured, the
/// rate and momentum each leaves to the next, and the chains BatchLr refuses. Expected values follow PyTorch 1.13's
/// <c>torch/optim/lr_scheduler.py</c>, derived in each test's comments.
/// </summary>
public class ScheduleSpecTorchCompositeTests
{
    private static LearningRateSchedule Rate(string json, int group = 0) => ScheduleSpec.Parse(json).Build().LearningRates![group];

    private static void Refused(string json, string path, string message) =>
        ((Action)(() => ScheduleSpec.Parse(json))).Should().Throw<ScheduleSpecException>().Where(e => e.Path == path).WithMessage(message);

    private static string Chain(string lr, string schedulers) =>
        "{\"lr\": " + lr + ", \"schedule\": {\"type\": \"ChainedScheduler\", \"schedulers\": [" + schedulers + "]}}";

    [Theory]
    [InlineData("ExponentialLR", """{"type": "ExponentialLR", "gamma": 1.5}""", "1.5")]
    [InlineData("StepLR", """{"type": "StepLR", "step_size": 2, "gamma": 2}""", "2")]
    public void ChainedScheduler_GrowingGamma_IsRefusedAtTheGamma(string type, string child, string gamma)
    {
        _ = type;
        Refused(
            Chain("0.1", """{"type": "ConstantLR", "factor": 0.5, "total_iters": 2}, """ + child),
            "$.schedule.schedulers[1].gamma",
            "'$.schedule.schedulers[1].gamma' is " + gamma + "; it must be at most 1 inside a ChainedScheduler: there a growing factor multiplies the others' without end*");
    }

    [Fact]
    public void ChainedScheduler_GammaExactlyOne_IsAcceptedAndHoldsTheRate()
    {
        // gamma = 1 is the boundary the refusal allows: ExponentialLR and StepLR multiply by 1^k, so the rate stays at lr.
        LearningRateSchedule spec = Rate(Chain("0.1", """{"type": "ExponentialLR", "gamma": 1}, {"type": "StepLR", "step_size": 2, "gamma": 1}"""));

        for (int t = 0; t < 10; t++)
        {
            Approx.Equal(0.1, spec.Evaluate(t), because: "step " + t);
        }
    }

    [Theory]
    [InlineData("""{"type": "StepLR", "step_size": 2, "gamma": 0.5}""", 0.5)]
    [InlineData("""{"type": "MultiStepLR", "milestones": [2], "gamma": 0.5}""", 0.5)]
    [InlineData("""{"type": "ConstantLR", "factor": 0.5, "total_iters": 2}""", 1.0)]
    [InlineData("""{"type": "LinearLR", "start_factor": 0.5, "total_iters": 2}""", 1.0)]
    [InlineData("""{"type": "ExponentialLR", "gamma": 0.5}""", 0.25)]
    [InlineData("""{"type": "PolynomialLR", "total_iters": 4, "power": 1}""", 0.5)]
    public void ChainedScheduler_PyTorchFactorWithATinyLr_IsAMultiplicativeFactorNotDividedByLr(string child, double factorAt2)
    {
        // lr = 1e-310 is so small that 1 / lr overflows: PyTorch's own multiplicative schedulers in a chain never divide by lr
        // (they multiply the rate by their factor's step ratio), so they build where a BatchLr schedule would be refused.
        // At step 2: StepLR/MultiStepLR 0.5^1, ConstantLR and LinearLR done (1), ExponentialLR 0.5^2, PolynomialLR (1 - 2/4)^1.
        LearningRateSchedule spec = Rate(Chain("1e-310", child));

        spec.Evaluate(2).Should().BeApproximately(1e-310 * factorAt2, 1e-322);
    }

    [Fact]
    public void ChainedScheduler_BatchLrScheduleWithATinyLr_IsRefusedAtLr() =>
        // A BatchLr schedule is chained as schedule / lr; 1 / 1e-310 overflows to infinity.
        Refused(
            Chain("1e-310", """{"type": "constant"}"""),
            "$.lr",
            "'$.lr' is 1E-310; it must be zero, or large enough that 1 / lr is finite, since ChainedScheduler divides a BatchLr schedule in it by lr.*");

    [Fact]
    public void ChainedScheduler_BatchLrScheduleWhosePeakOverLrOverflows_IsRefusedAtTheSchedule() =>
        // cosine_timm warms up from warmup_lr_init = 1e10; divided by lr = 1e-300 that is 1e310, past the largest double.
        Refused(
            Chain("1e-300", """{"type": "ExponentialLR", "gamma": 0.9}, {"type": "cosine_timm", "t_initial": 10, "warmup_t": 2, "warmup_lr_init": 1e10}"""),
            "$.schedule.schedulers[1]",
            "'$.schedule.schedulers[1]' is a schedule that reaches 10000000000; ChainedScheduler divides each BatchLr schedule in it by lr, 1E-300, and that ratio overflows to infinity*");

    [Fact]
    public void ChainedScheduler_BatchLrScheduleBesideAFactor_MultipliesByItsRatioToLr()
    {
        // cosine_with_min_lr is HF's lr · (min_lr_rate + (1 - min_lr_rate) · (1 + cos(π t / 10)) / 2), min_lr_rate = 0.01 / 0.1:
        // 0.01 + 0.045 (1 + cos(π t / 10)). Chained as a factor it is that over lr, times ExponentialLR's 0.5^t, times lr.
        LearningRateSchedule spec = Rate(Chain("0.1", """{"type": "ExponentialLR", "gamma": 0.5}, {"type": "cosine_with_min_lr", "num_training_steps": 10, "min_lr": 0.01}"""));

        for (int t = 0; t <= 10; t++)
        {
            Approx.Equal(Math.Pow(0.5, t) * (0.01 + (0.045 * (1 + Math.Cos(Math.PI * t / 10)))), spec.Evaluate(t), because: "step " + t);
        }
    }

    [Fact]
    public void ChainedScheduler_BatchLrScheduleWithLrZero_BuildsAndStaysAtZero()
    {
        // With lr = 0 every rate is 0: the chain does not divide by lr but still builds.
        LearningRateSchedule spec = Rate(Chain("0", """{"type": "ExponentialLR", "gamma": 0.5}, {"type": "constant"}"""));

        spec.Evaluate(0).Should().Be(0);
        spec.Evaluate(5).Should().Be(0);
    }

    [Fact]
    public void ChainedScheduler_SecondCosineAfterAFactor_IsRefusedAtTheSecond() =>
        Refused(
            Chain("0.1", """{"type": "ExponentialLR", "gamma": 0.9}, {"type": "CosineAnnealingLR", "T_max": 10}, {"type": "CosineAnnealingLR", "T_max": 3}"""),
            "$.schedule.schedulers[2]",
            "'$.schedule.schedulers[2]' is a second CosineAnnealingLR in the chain; it must be the only CosineAnnealingLR of a ChainedScheduler*");

    [Fact]
    public void ChainedScheduler_OnlyACosineWithEtaMin_IsTheCosine()
    {
        // Alone in the chain the cosine's eta_min mixes into nothing: PyTorch's closed form 0.01 + 0.09 (1 + cos(π t / 4)) / 2.
        LearningRateSchedule spec = Rate(Chain("0.1", """{"type": "CosineAnnealingLR", "T_max": 4, "eta_min": 0.01}"""));

        for (int t = 0; t <= 8; t++)
        {
            Approx.Equal(0.01 + (0.045 * (1 + Math.Cos(Math.PI * t / 4))), spec.Evaluate(t), because: "step " + t);
        }
    }

    [Fact]
    public void ChainedScheduler_SequentialInside_NamesTheRule() =>
        Refused(
            Chain("0.1", """{"type": "SequentialLR", "milestones": [3], "schedulers": [{"type": "ConstantLR"}, {"type": "ExponentialLR", "gamma": 0.5}]}"""),
            "$.schedule.schedulers[0]",
            "*it must be at the top level or inside another SequentialLR: at each milestone PyTorch's SequentialLR sets the rate from its next scheduler's closed form*");

    [Fact]
    public void ChainedScheduler_CyclicLRFirst_DrivesTheMomentum()
    {
        // ExponentialLR after CyclicLR leaves momentum alone, so the momentum is CyclicLR's: it falls from max_momentum 0.9 to
        // base_momentum 0.8 as the rate rises over step_size_up = 4 steps, 0.9 - 0.1 · t / 4.
        OptimizerSchedule spec = ScheduleSpec.Parse(
            Chain("0.1", """{"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.05, "step_size_up": 4}, {"type": "ExponentialLR", "gamma": 0.9}""")).Build();

        spec.HasMomentum.Should().BeTrue();
        for (int t = 0; t <= 4; t++)
        {
            Approx.Equal(0.9 - (0.1 * t / 4.0), spec.GetMomentum(0, TrainingProgress.AtStep(t)), because: "step " + t);
        }
    }

    [Fact]
    public void ChainedScheduler_OneCycleLRAfterAFactor_StartsAtItsInitialLr()
    {
        // ExponentialLR's initial step leaves lr = 0.1; OneCycleLR, constructed next, sets initial_lr = max_lr / div_factor
        // = 0.2 / 25 and its initial step sets the rate to it: the chain's rate at step 0 is 0.008, not lr.
        LearningRateSchedule spec = Rate(Chain("0.1", """{"type": "ExponentialLR", "gamma": 0.9}, {"type": "OneCycleLR", "max_lr": 0.2, "total_steps": 10}"""));

        Approx.Equal(0.2 / 25, spec.Evaluate(0));
    }

    [Fact]
    public void SequentialLR_CosineBeforeOneCycleLR_RunsFromTheResetRateThenRisesToItsCapturedBase()
    {
        // CosineAnnealingLR captured base_lr = lr = 0.1; OneCycleLR then sets initial_lr = 0.2 / 25 = 0.008, which SequentialLR
        // resets the rate to. The recursion runs the cosine from 0.008: 0.008 (1 + cos(π t / 4)) / 2 down to 0 at T_max = 4;
        // at t = 5 it adds (0.1 - 0)(1 - cos(π / 4)) / 2, and from there on it is 0.1 (1 + cos(π t / 4)) / 2, back to 0.1 at 8.
        LearningRateSchedule spec = Rate(
            """{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [12], "schedulers": [{"type": "CosineAnnealingLR", "T_max": 4}, {"type": "OneCycleLR", "max_lr": 0.2, "total_steps": 10}]}}""");

        for (int t = 0; t <= 4; t++)
        {
            Approx.Equal(0.004 * (1 + Math.Cos(Math.PI * t / 4)), spec.Evaluate(t), because: "step " + t);
        }

        for (int t = 5; t < 12; t++)
        {
            Approx.Equal(0.05 * (1 + Math.Cos(Math.PI * t / 4)), spec.Evaluate(t), because: "step " + t);
        }
    }

    [Fact]
    public void SequentialLR_CosineWithFractionalTMaxBeforeOneCycleLR_NeverSwitchesBase()
    {
        // With T_max = 2.5, (t - 1 - T_max) % (2 T_max) is never 0 at a whole step, so the recursion never adds from the captured
        // base: the cosine runs from the reset rate 0.008 throughout, 0.004 (1 + cos(π t / 2.5)).
        LearningRateSchedule spec = Rate(
            """{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [8], "schedulers": [{"type": "CosineAnnealingLR", "T_max": 2.5}, {"type": "OneCycleLR", "max_lr": 0.2, "total_steps": 10}]}}""");

        for (int t = 0; t < 8; t++)
        {
            Approx.Equal(0.004 * (1 + Math.Cos(Math.PI * t / 2.5)), spec.Evaluate(t), because: "step " + t);
        }
    }

    [Fact]
    public void SequentialLR_WarmRestartsBeforeOneCycleLR_KeepsItsCapturedBase()
    {
        // CosineAnnealingWarmRestarts computes eta_min + (base_lr - eta_min)(1 + cos(π T_cur / T_i)) / 2 from its captured
        // base_lr = 0.1, whatever rate SequentialLR reset the group to: 0.05 (1 + cos(π t / 4)).
        LearningRateSchedule spec = Rate(
            """{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [4], "schedulers": [{"type": "CosineAnnealingWarmRestarts", "T_0": 4}, {"type": "OneCycleLR", "max_lr": 0.2, "total_steps": 10}]}}""");

        for (int t = 0; t < 4; t++)
        {
            Approx.Equal(0.05 * (1 + Math.Cos(Math.PI * t / 4)), spec.Evaluate(t), because: "step " + t);
        }
    }

    [Fact]
    public void SequentialLR_CyclicLRBetweenTwoOthers_HoldsItsMomentumAtItsLastStep()
    {
        // CyclicLR sets the momentum at its construction, 0.9, which holds until its milestone 3; from 3 to 7 it runs its own steps
        // 0..4, 0.9 - 0.1 · (t - 3) / 4, reaching base_momentum 0.8 at its step 4; ExponentialLR after milestone 8 leaves that.
        OptimizerSchedule spec = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [3, 8], "schedulers": [{"type": "ExponentialLR", "gamma": 0.9}, {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.05, "step_size_up": 4}, {"type": "ExponentialLR", "gamma": 0.5}]}}""").Build();

        for (int t = 0; t < 3; t++)
        {
            Approx.Equal(0.9, spec.GetMomentum(0, TrainingProgress.AtStep(t)), because: "step " + t);
        }

        for (int t = 3; t < 8; t++)
        {
            Approx.Equal(0.9 - (0.1 * (t - 3) / 4.0), spec.GetMomentum(0, TrainingProgress.AtStep(t)), because: "step " + t);
        }

        for (int t = 8; t < 14; t++)
        {
            Approx.Equal(0.8, spec.GetMomentum(0, TrainingProgress.AtStep(t)), because: "step " + t);
        }
    }

    [Fact]
    public void SequentialLR_MoreMilestonesThanGaps_IsRefusedAtTheMilestones() =>
        // SequentialLR needs one milestone between each two schedulers: two schedulers take exactly one.
        Refused(
            """{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [3, 5], "schedulers": [{"type": "ConstantLR"}, {"type": "ExponentialLR", "gamma": 0.5}]}}""",
            "$.schedule.milestones",
            "'$.schedule.milestones' is 2; it must be one fewer than *1.*");

    [Fact]
    public void SequentialLR_MilestoneZero_IsRefusedAtThatMilestone() =>
        // A milestone at step 0 would leave the first scheduler no step at all.
        Refused(
            """{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [0], "schedulers": [{"type": "ConstantLR"}, {"type": "ExponentialLR", "gamma": 0.5}]}}""",
            "$.schedule.milestones[0]",
            "'$.schedule.milestones[0]' is 0; it must be greater than zero.*");

    [Fact]
    public void SequentialLR_CosineBeforeAOneCycleLRWhoseInitialLrOverflows_IsRefused()
    {
        // OneCycleLR sets initial_lr = max_lr / div_factor = 1e300 / 1e-10, past the largest double, and SequentialLR resets the
        // rate the first scheduler, the cosine, starts from to it: an infinite rate is refused, not built.
        Action parse = () => ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [5], "schedulers": [{"type": "CosineAnnealingLR", "T_max": 4}, {"type": "OneCycleLR", "max_lr": 1e300, "div_factor": 1e-10, "total_steps": 10}]}}""");

        parse.Should().Throw<ScheduleSpecException>().WithMessage("*is Infinity; it must be a finite number zero or more*");
    }
}
