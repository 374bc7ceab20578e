using System;
using System.Linq;
using BatchLr.Configuration;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using static BatchLr.Core.Tests.TestSupport.TorchReference;

namespace BatchLr.Core.Tests.Configuration;

/// <summary>
/// The PyTorch spec types give PyTorch's numbers at every step, past their horizon and inside composites. Expected values
/// come from PyTorch 1.13's <c>torch/optim/lr_scheduler.py</c>: its formulas written out, or its recursive <c>get_lr</c>
/// transcribed in <see cref="TorchReference"/>; tools/torch_diff.py checks the same against PyTorch itself.
/// </summary>
public class ScheduleSpecTorchTests
{
    private static LearningRateSchedule Rate(string json, int group = 0) => ScheduleSpec.Parse(json).Build().LearningRates![group];

    private static void Refused(string json, string path, string message) =>
        ((Action)(() => ScheduleSpec.Parse(json))).Should().Throw<ScheduleSpecException>().Where(e => e.Path == path).WithMessage(message);

    [Fact]
    public void ExponentialAndStepLR_GammaAboveOne_GrowAsPyTorchThenHoldTheLargestDouble()
    {
        // PyTorch's closed forms: ExponentialLR base_lr · gamma^last_epoch, StepLR base_lr · gamma^(last_epoch // step_size);
        // both accept gamma above 1 and overflow to inf where the power does, where BatchLr holds double.MaxValue.
        LearningRateSchedule exponential = Rate("""{"lr": 0.01, "schedule": {"type": "ExponentialLR", "gamma": 1.5}}""");
        LearningRateSchedule step = Rate("""{"lr": 0.01, "schedule": {"type": "StepLR", "step_size": 3, "gamma": 2}}""");

        for (int t = 0; t < 40; t++)
        {
            exponential.Evaluate(t).Should().BeApproximately(0.01 * Math.Pow(1.5, t), 1e-12 * 0.01 * Math.Pow(1.5, t), "at step " + t);
            step.Evaluate(t).Should().BeApproximately(0.01 * Math.Pow(2, t / 3), 1e-12 * 0.01 * Math.Pow(2, t / 3), "at step " + t);
        }

        // 0.01 · 1.5^t passes double.MaxValue (about 1.8e308) near t = 1762: from there on the value holds it.
        exponential.Evaluate(2000).Should().Be(double.MaxValue);
        exponential.Evaluate(1e15).Should().Be(double.MaxValue);
        step.Evaluate(1e15).Should().Be(double.MaxValue);
    }

    [Fact]
    public void CosineAnnealingLR_PastTMax_KeepsFollowingPyTorchsRecursion()
    {
        // CosineAnnealingLR.get_lr multiplies lr - eta_min by (1 + cos(π t / T)) / (1 + cos(π (t - 1) / T)) and adds
        // (b - eta_min)(1 - cos(π / T)) / 2 at the step after each trough: the cosine goes on, back up to b at 2·T_max.
        var group = new Group(0.1);
        double[] torch = Rates(group, new Chained(new CosineAnnealingLR(group, 4, 0.01)), 30);

        LearningRateSchedule spec = Rate("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": 4, "eta_min": 0.01}}""");

        for (int s = 0; s < torch.Length; s++)
        {
            Approx.Equal(torch[s], spec.Evaluate(s), because: "step " + s);
        }

        spec.Evaluate(8).Should().BeApproximately(0.1, 1e-15, "the closed form 0.01 + 0.09 · (1 + cos 2π) / 2");
        spec.Evaluate(6).Should().BeApproximately(0.055, 1e-15, "0.01 + 0.09 · (1 + cos(3π/2)) / 2");
    }

    [Fact]
    public void CosineAnnealingLR_EtaMinAboveRate_RisesAsPyTorchDoes()
    {
        // eta_min 0.3 above b = 0.1: the closed form 0.3 + (0.1 - 0.3)(1 + cos(π t / 4)) / 2 rises to 0.3 at t = 4.
        LearningRateSchedule spec = Rate("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": 4, "eta_min": 0.3}}""");

        spec.Evaluate(2).Should().BeApproximately(0.2, 1e-15);
        spec.Evaluate(4).Should().BeApproximately(0.3, 1e-15);
    }

    [Fact]
    public void CosineAnnealingWarmRestarts_EtaMinAboveRate_IsAcceptedAsCosineAnnealingLRIs()
    {
        // PyTorch does not check eta_min against lr: get_lr is eta_min + (b - eta_min)(1 + cos(π T_cur / T_i)) / 2.
        var group = new Group(0.1);
        double[] torch = Rates(group, new Chained(new CosineAnnealingWarmRestarts(group, 4, 2, 0.3)), 20);

        LearningRateSchedule spec = Rate("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingWarmRestarts", "T_0": 4, "T_mult": 2, "eta_min": 0.3}}""");

        for (int s = 0; s < torch.Length; s++)
        {
            Approx.Equal(torch[s], spec.Evaluate(s), because: "step " + s);
        }

        spec.Evaluate(2).Should().BeApproximately(0.2, 1e-15, "0.3 + (0.1 - 0.3) · (1 + cos(π/2)) / 2");
    }

    [Theory]
    [InlineData("2.5")]
    [InlineData("0.5")]
    public void CosineAnnealingWarmRestarts_FractionalT0_IsRefusedAsPyTorchRefusesIt(string t0) =>
        // PyTorch: `if T_0 <= 0 or not isinstance(T_0, int): raise ValueError("Expected positive integer T_0 ...")`.
        Refused("{\"lr\": 0.1, \"schedule\": {\"type\": \"CosineAnnealingWarmRestarts\", \"T_0\": " + t0 + "}}", "$.schedule.T_0", "*whole number*");

    [Fact]
    public void CosineAnnealingWarmRestarts_T0InEpochs_IsRoundedToWholeSteps()
    {
        // 0.5 epoch of 1000 samples at a fixed batch of 64 is 7.8125 steps, rounded to 8 as total_steps is.
        OptimizerSchedule schedule = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "CosineAnnealingWarmRestarts", "T_0": "0.5ep"}, "batch": {"type": "fixed", "batch_size": 64}}""").Build(1000);

        schedule.GetLearningRate(0, TrainingProgress.AtStep(8)).Should().Be(0.1, "step 8 starts the second cycle of 8 steps");
        schedule.GetLearningRate(0, TrainingProgress.AtStep(4)).Should().BeApproximately(0.05, 1e-15, "0.1 · (1 + cos(π · 4 / 8)) / 2");
    }

    [Fact]
    public void LinearLR_TotalItersZero_IsAcceptedAsConstantLRsIs()
    {
        // total_iters 0 is a line already over, as in PyTorch's closed form b · (start + (end - start) · min(T, t) / T) once t ≥ T:
        // end_factor from step 0. (PyTorch's recursion keeps start_factor for good instead: pytorch/pytorch#193682, open.)
        LearningRateSchedule linear = Rate("""{"lr": 0.1, "schedule": {"type": "LinearLR", "start_factor": 0.25, "end_factor": 0.5, "total_iters": 0}}""");
        LearningRateSchedule constant = Rate("""{"lr": 0.1, "schedule": {"type": "ConstantLR", "factor": 0.25, "total_iters": 0}}""");

        linear.Evaluate(0).Should().Be(0.05);
        linear.Evaluate(7).Should().Be(0.05);
        constant.Evaluate(0).Should().Be(0.1, "ConstantLR's closed form b · (factor + (t ≥ 0)(1 - factor)) is b from step 0");
    }

    [Fact]
    public void PolynomialLR_TotalItersZero_NeverDecaysAsPyTorch()
    {
        // PolynomialLR.get_lr returns lr unchanged at last_epoch 0 and whenever last_epoch > total_iters.
        LearningRateSchedule spec = Rate("""{"lr": 0.1, "schedule": {"type": "PolynomialLR", "total_iters": 0}}""");

        spec.Evaluate(0).Should().Be(0.1);
        spec.Evaluate(9).Should().Be(0.1);
    }

    [Fact]
    public void OneCycleLR_Cosine_FollowsPyTorchToTotalStepsThenHolds()
    {
        // get_lr allows step_num == total_steps (it raises only above): with 10 steps and pct_start 0.3 the last phase runs from
        // step 2 to 9, so step 10 has pct (10 - 2) / 7 = 8/7 and the cosine turns back up: end + (start - end) / 2 · (cos(8π/7) + 1).
        LearningRateSchedule spec = Rate("""{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10}}""");
        double end = 0.1 / 25 / 1e4;
        double atTotal = end + ((0.1 - end) / 2.0 * (Math.Cos(Math.PI * 8 / 7) + 1));

        Approx.Equal(atTotal, spec.Evaluate(10));
        Approx.Equal(atTotal, spec.Evaluate(15), because: "PyTorch raises past total_steps; BatchLr holds the last value PyTorch computes");
        spec.Evaluate(10).Should().BeGreaterThan(spec.Evaluate(9));
    }

    [Fact]
    public void OneCycleLR_Linear_HoldsItsEndRatherThanGoingNegative()
    {
        // PyTorch's linear step total_steps would be (end - start) · 8/7 + start, below zero here; the spec holds min_lr from step 9.
        LearningRateSchedule spec = Rate("""{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10, "anneal_strategy": "linear"}}""");
        double end = 0.1 / 25 / 1e4;

        double atEnd = ((end - 0.1) * 1.0) + 0.1; // _annealing_linear at pct 1, PyTorch's rounding included

        (((end - 0.1) * 8 / 7) + 0.1).Should().BeNegative();
        Approx.Equal(end, spec.Evaluate(9), relative: 1e-10);
        spec.Evaluate(9).Should().Be(atEnd);
        spec.Evaluate(10).Should().Be(atEnd);
    }

    [Fact]
    public void OneCycleLR_PctStartZero_StartsPartwayDownAsPyTorch()
    {
        // pct_start 0: the first phase ends at step -1, so step t is in the second with pct = (t + 1) / 10 (total_steps 10).
        LearningRateSchedule spec = Rate("""{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10, "pct_start": 0}}""");
        double end = 0.1 / 25 / 1e4;

        for (int t = 0; t <= 9; t++)
        {
            Approx.Equal(end + ((0.1 - end) / 2.0 * (Math.Cos(Math.PI * (t + 1) / 10.0) + 1)), spec.Evaluate(t), because: "step " + t);
        }
    }

    [Fact]
    public void OneCycleLR_PctStartFirstEndingAtStepZero_IsRefusedNamingPctStart() =>
        // pct_start · total_steps = 1 ends the first phase at step 0, where PyTorch's get_lr computes (0 - 0) / (0 - 0).
        Refused("""{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10, "pct_start": 0.1}}""", "$.schedule.pct_start", "*pct_start · total_steps is not 1*");

    [Fact]
    public void OneCycleLR_ThreePhasesPastOneHalf_RunsAsPyTorchNeverReachingTheThird()
    {
        // three_phase with pct_start 0.6 over 10 steps: phase ends 5, 10 and 9. Every step up to 10 is in the first two phases,
        // so step 7 is the second at pct (7 - 5) / 5: initial + (max - initial) / 2 · (cos(0.4π) + 1), and step 10 is initial.
        LearningRateSchedule spec = Rate("""{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10, "pct_start": 0.6, "three_phase": true}}""");
        double initial = 0.1 / 25;

        Approx.Equal(initial + ((0.1 - initial) / 2.0 * (Math.Cos(Math.PI * 0.4) + 1)), spec.Evaluate(7));
        Approx.Equal(initial, spec.Evaluate(10));
    }

    [Fact]
    public void CyclicLR_MaxBelowBase_CyclesDownAsPyTorch()
    {
        // PyTorch does not compare max_lr with base_lr: lr = base + (max - base) · ramp runs below base_lr, to max_lr at step_size_up.
        LearningRateSchedule spec = Rate("""{"lr": 0.1, "schedule": {"type": "CyclicLR", "base_lr": 0.05, "max_lr": 0.01, "step_size_up": 4}}""");

        Approx.Equal(0.05 + ((0.01 - 0.05) * 0.5), spec.Evaluate(2));
        Approx.Equal(0.01, spec.Evaluate(4));
        Approx.Equal(0.05, spec.Evaluate(8));
    }

    [Fact]
    public void ChainedScheduler_StepAndCosine_FollowsPyTorchsRecursionAcrossTroughs()
    {
        // A cosine with eta_min 0 zeroes the rate at each trough and adds b(1 - cos(π/T))/2 at the next step, so StepLR's factor
        // counts again from there: the rates are not the product b · gamma^k · w(t).
        var group = new Group(0.1);
        double[] torch = Rates(group, new Chained(new StepLR(group, 2, 0.5), new CosineAnnealingLR(group, 3, 0.0)), 24);

        LearningRateSchedule spec = Rate(
            """{"lr": 0.1, "schedule": {"type": "ChainedScheduler", "schedulers": [{"type": "StepLR", "step_size": 2, "gamma": 0.5}, {"type": "CosineAnnealingLR", "T_max": 3}]}}""");

        for (int s = 0; s < torch.Length; s++)
        {
            Approx.Within(torch[s], spec.Evaluate(s), 1e-15, because: "step " + s);
        }

        double product = 0.1 * Math.Pow(0.5, 2) * (1 + Math.Cos(Math.PI * 5 / 3)) / 2;
        Math.Abs(spec.Evaluate(5) - product).Should().BeGreaterThan(1e-3, "at step 5 the factor has restarted after the trough at 3");
    }

    [Fact]
    public void ChainedScheduler_AfterASchedulerThatSetsTheRate_AppliesTheOthersForOneStep()
    {
        // CosineAnnealingWarmRestarts sets the rate at every step; ExponentialLR before it is undone each step, and StepLR after
        // it multiplies by gamma only on the steps where its own ratio is gamma.
        var group = new Group(0.1);
        double[] torch = Rates(group, new Chained(new ExponentialLR(group, 0.5), new CosineAnnealingWarmRestarts(group, 5, 1, 0.0), new StepLR(group, 3, 0.1)), 20);

        LearningRateSchedule spec = Rate(
            """{"lr": 0.1, "schedule": {"type": "ChainedScheduler", "schedulers": [{"type": "ExponentialLR", "gamma": 0.5}, {"type": "CosineAnnealingWarmRestarts", "T_0": 5}, {"type": "StepLR", "step_size": 3, "gamma": 0.1}]}}""");

        for (int s = 0; s < torch.Length; s++)
        {
            Approx.Equal(torch[s], spec.Evaluate(s), because: "step " + s);
        }
    }

    [Fact]
    public void ChainedScheduler_CyclicLRAfterAnother_StartsFromInitialLrAndDrivesMomentum()
    {
        // CyclicLR's initial step computes from base_lrs = initial_lr, which LinearLR set to b = 0.1; its base_lr takes over at step 1.
        var group = new Group(0.1);
        var chain = new Chained(new LinearLR(group, 0.5, 1.0, 4), new CyclicLR(group, 0.01, 0.05, 3, 0.8, 0.9));
        double[] torch = Rates(group, chain, 1);
        var momenta = new[] { group.Momentum }.ToList();
        var rates = torch.ToList();
        for (int s = 1; s < 12; s++)
        {
            chain.Step();
            rates.Add(group.Lr);
            momenta.Add(group.Momentum);
        }

        OptimizerSchedule spec = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "ChainedScheduler", "schedulers": [{"type": "LinearLR", "start_factor": 0.5, "total_iters": 4}, {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.05, "step_size_up": 3}]}}""").Build();

        spec.HasMomentum.Should().BeTrue("the chain's CyclicLR cycles the momentum");
        rates[0].Should().Be(0.1);
        for (int s = 0; s < rates.Count; s++)
        {
            Approx.Equal(rates[s], spec.GetLearningRate(0, TrainingProgress.AtStep(s)), because: "rate, step " + s);
            Approx.Equal(momenta[s], spec.GetMomentum(0, TrainingProgress.AtStep(s)), because: "momentum, step " + s);
        }
    }

    [Fact]
    public void ChainedScheduler_NestedChain_IsSplicedIn()
    {
        // PyTorch steps a nested ChainedScheduler's schedulers in place: the same as listing them in the outer chain.
        string nested = """{"lr": 0.1, "schedule": {"type": "ChainedScheduler", "schedulers": [{"type": "ConstantLR", "factor": 0.5, "total_iters": 3}, {"type": "ChainedScheduler", "schedulers": [{"type": "ExponentialLR", "gamma": 0.9}, {"type": "CosineAnnealingLR", "T_max": 4}]}]}}""";
        string flat = """{"lr": 0.1, "schedule": {"type": "ChainedScheduler", "schedulers": [{"type": "ConstantLR", "factor": 0.5, "total_iters": 3}, {"type": "ExponentialLR", "gamma": 0.9}, {"type": "CosineAnnealingLR", "T_max": 4}]}}""";
        var group = new Group(0.1);
        double[] torch = Rates(group, new Chained(new ConstantLR(group, 0.5, 3), new ExponentialLR(group, 0.9), new CosineAnnealingLR(group, 4, 0.0)), 20);

        for (int s = 0; s < torch.Length; s++)
        {
            Rate(nested).Evaluate(s).Should().Be(Rate(flat).Evaluate(s));
            Approx.Within(torch[s], Rate(nested).Evaluate(s), 1e-15, because: "step " + s);
        }
    }

    [Fact]
    public void ChainedScheduler_CosineWithEtaMinBesideAFactor_IsRefusedWithTheReason() =>
        Refused(
            """{"lr": 0.1, "schedule": {"type": "ChainedScheduler", "schedulers": [{"type": "CosineAnnealingLR", "T_max": 10, "eta_min": 0.01}, {"type": "ExponentialLR", "gamma": 0.5}]}}""",
            "$.schedule.schedulers[0].eta_min",
            "*must be 0 in a ChainedScheduler with other schedulers*no closed form*");

    [Fact]
    public void ChainedScheduler_TwoCosines_AreRefusedWithTheReason() =>
        Refused(
            """{"lr": 0.1, "schedule": {"type": "ChainedScheduler", "schedulers": [{"type": "CosineAnnealingLR", "T_max": 10}, {"type": "CosineAnnealingLR", "T_max": 3}]}}""",
            "$.schedule.schedulers[1]",
            "*the only CosineAnnealingLR of a ChainedScheduler*");

    [Fact]
    public void ChainedScheduler_CosineWithEtaMinAfterASchedulerThatSetsTheRate_IsAccepted()
    {
        // After CyclicLR sets the rate, the cosine acts for one step: eta_min + R(t)(x - eta_min), closed in t.
        LearningRateSchedule spec = Rate(
            """{"lr": 0.1, "schedule": {"type": "ChainedScheduler", "schedulers": [{"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.05, "step_size_up": 3}, {"type": "CosineAnnealingLR", "T_max": 10, "eta_min": 0.001}]}}""");
        double x = 0.01 + (0.04 * 2 / 3.0); // CyclicLR at step 2
        double ratio = (1 + Math.Cos(Math.PI * 2 / 10)) / (1 + Math.Cos(Math.PI * 1 / 10));

        Approx.Equal(0.001 + (ratio * (x - 0.001)), spec.Evaluate(2));
    }

    [Fact]
    public void ChainedScheduler_SequentialInside_IsRefusedWithTheReason() =>
        Refused(
            """{"lr": 0.1, "schedule": {"type": "ChainedScheduler", "schedulers": [{"type": "ExponentialLR", "gamma": 0.9}, {"type": "SequentialLR", "milestones": [3], "schedulers": [{"type": "ConstantLR"}, {"type": "ExponentialLR", "gamma": 0.5}]}]}}""",
            "$.schedule.schedulers[1]",
            "*a SequentialLR inside a ChainedScheduler*");

    [Fact]
    public void TwoOneCycleLRs_AreRefusedSinceTheyShareTheParameterGroup() =>
        Refused(
            """{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [10], "schedulers": [{"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10}, {"type": "OneCycleLR", "max_lr": 0.2, "total_steps": 10}]}}""",
            "$.schedule.schedulers[1]",
            "*the only OneCycleLR of the spec*parameter groups*");

    [Fact]
    public void SequentialLR_AfterOneCycleLR_LaterSchedulersStartFromItsInitialLr()
    {
        // OneCycleLR sets group['initial_lr'] = max_lr / div_factor; ExponentialLR constructed after it captures that as its base,
        // and SequentialLR steps it from its closed form at the milestone: 0.2 / 25 · 0.9^(t - 10).
        LearningRateSchedule spec = Rate(
            """{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [10], "schedulers": [{"type": "OneCycleLR", "max_lr": 0.2, "total_steps": 10}, {"type": "ExponentialLR", "gamma": 0.9}]}}""");

        for (int t = 10; t < 20; t++)
        {
            Approx.Equal(0.2 / 25 * Math.Pow(0.9, t - 10), spec.Evaluate(t), because: "step " + t);
        }
    }

    [Fact]
    public void SequentialLR_BeforeOneCycleLR_FirstSchedulerStartsFromTheResetRate()
    {
        // SequentialLR resets lr to initial_lr once every scheduler exists, which the OneCycleLR constructed second set to
        // max_lr / div_factor: the first scheduler, ExponentialLR, runs from 0.2 / 25, not from lr = 0.1.
        LearningRateSchedule spec = Rate(
            """{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [5], "schedulers": [{"type": "ExponentialLR", "gamma": 0.9}, {"type": "OneCycleLR", "max_lr": 0.2, "total_steps": 10}]}}""");

        for (int t = 0; t < 5; t++)
        {
            Approx.Equal(0.2 / 25 * Math.Pow(0.9, t), spec.Evaluate(t), because: "step " + t);
        }
    }

    [Fact]
    public void SequentialLR_CyclicThenExponential_HoldsTheMomentumCyclicLRLeft()
    {
        // CyclicLR sets group['momentum'] at each of its steps; ExponentialLR does not touch it, so from the milestone the momentum
        // stays at CyclicLR's value at step 3: 0.9 - (0.9 - 0.8) · 3/4 (step_size_up 4).
        OptimizerSchedule spec = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [4], "schedulers": [{"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.05, "step_size_up": 4}, {"type": "ExponentialLR", "gamma": 0.9}]}}""").Build();

        spec.HasMomentum.Should().BeTrue();
        for (int t = 0; t < 4; t++)
        {
            Approx.Equal(0.9 - (0.1 * t / 4.0), spec.GetMomentum(0, TrainingProgress.AtStep(t)), because: "step " + t);
        }

        for (int t = 4; t < 12; t++)
        {
            Approx.Equal(0.9 - (0.1 * 3 / 4.0), spec.GetMomentum(0, TrainingProgress.AtStep(t)), because: "step " + t);
        }
    }

    [Fact]
    public void SequentialLR_ExponentialThenCyclic_HoldsTheMomentumCyclicLRSetWhenConstructed()
    {
        // Before its milestone CyclicLR has only run its initial step, which set the momentum to max_momentum.
        OptimizerSchedule spec = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [3], "schedulers": [{"type": "ExponentialLR", "gamma": 0.9}, {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.05, "step_size_up": 4, "max_momentum": 0.95}]}}""").Build();

        spec.GetMomentum(0, TrainingProgress.AtStep(0)).Should().Be(0.95);
        spec.GetMomentum(0, TrainingProgress.AtStep(2)).Should().Be(0.95);
        Approx.Equal(0.95 - (0.15 * 2 / 4.0), spec.GetMomentum(0, TrainingProgress.AtStep(5)), because: "CyclicLR's step 2 after the milestone");
    }

    [Fact]
    public void Call_RuleNamingAnOptionTakenFromLr_NamesLr()
    {
        // A refusal that compares a field with an option the builder took from lr says "lr", the spec's name, not the C# option.
        SpecNode schedule = SpecReader.ReadSchedule(System.Text.Json.JsonDocument.Parse("""{"type": "constant"}""").RootElement, "$.schedule", 1, topLevel: true);

        Action act = () => SpecErrors.Call<int>(
            schedule,
            new BuildContext(0.1, 0, "$.lr"),
            () => throw new ArgumentOutOfRangeException("options.MinValue", 0.5, "'options.MinValue' is 0.5; it must be no greater than MaxValue, 0.1."),
            ("MaxValue", "@lr"),
            ("MinValue", "$.schedule.eta_min"));

        act.Should().Throw<ScheduleSpecException>().Where(e => e.Path == "$.schedule.eta_min")
            .WithMessage("'$.schedule.eta_min' is 0.5; it must be no greater than lr, 0.1.*");
    }
}
