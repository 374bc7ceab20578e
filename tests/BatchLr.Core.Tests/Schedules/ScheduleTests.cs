using System;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Schedules;

/// <summary>Bad input for every factory of <see cref="Schedule"/>: the exception names the parameter, the value and the rule.</summary>
public class ScheduleTests
{
    private static void Rejects(Action act, string parameter, string message) =>
        act.Should().Throw<ArgumentException>().WithParameterName(parameter).WithMessage(message);

    [Fact]
    public void Families_BadScalars_ThrowNamingParameterValueAndRule()
    {
        Rejects(() => Schedule.Constant(double.NaN), "value", "*'value' is NaN; it must be a finite number*");
        Rejects(() => Schedule.Anneal(1, 0, 0, AnnealShape.Linear), "duration", "*'duration' is 0; it must be a finite number greater than zero*");
        Rejects(() => Schedule.Anneal(1, 0, 5, AnnealShape.Exponential), "end", "*'end' is 0; it must be a finite number greater than zero*");
        Rejects(() => Schedule.Anneal(1, 0, 5, (AnnealShape)42), "shape", "*'shape' is 42; it must be one of Linear, Cosine, OneMinusSqrt, Exponential*");
        Rejects(() => Schedule.Linear(double.PositiveInfinity, 0, 5), "start", "*'start' is Infinity*finite number*");
        Rejects(() => Schedule.CosineAnnealing(-0.1, 0, 10), "initial", "*'initial' is -0.1; it must be a finite number zero or more*");
        Rejects(() => Schedule.CosineAnnealing(0.1, 0, 10, exponent: 0), "exponent", "*'exponent' is 0*greater than zero*");
        Rejects(() => Schedule.CosineWithMinRatio(0.1, 1.5, 10), "minRatio", "*'minRatio' is 1.5; it must be between 0 and 1 inclusive*");
        Rejects(() => Schedule.Polynomial(1, 0, 10, power: -1), "power", "*'power' is -1*greater than zero*");
        Rejects(() => Schedule.Exponential(1, 0), "rate", "*'rate' is 0*greater than zero*");
        Rejects(() => Schedule.Exponential(1, 0.9, interval: double.NaN), "interval", "*'interval' is NaN*greater than zero*");
        Rejects(() => Schedule.Step(1, -3), "stepSize", "*'stepSize' is -3*greater than zero*");
        Rejects(() => Schedule.Step(1, 3, gamma: 0), "gamma", "*'gamma' is 0*greater than zero*");
        Rejects(() => Schedule.InverseTime(1, -0.5, 10), "decayRate", "*'decayRate' is -0.5*zero or more*");
        Rejects(() => Schedule.InverseTime(1, 0.5, 0), "decaySteps", "*'decaySteps' is 0*greater than zero*");
        Rejects(() => Schedule.InverseSqrt(1, 0), "timescale", "*'timescale' is 0*greater than zero*");
        Rejects(() => Schedule.Noam(0, 4000), "modelSize", "*'modelSize' is 0*greater than zero*");
        Rejects(() => Schedule.Noam(512, 4000, factor: -1), "factor", "*'factor' is -1*greater than zero*");
        Rejects(() => Schedule.FromFunction(null!), "function", "*function*");
    }

    [Fact]
    public void Overflows_ThrowNamingParameterValueAndRule()
    {
        // Each would give an infinite value at some position: 0.1 · 10^400; 1e308 · 10; 1e200 · 1e200; 1 / 5e-324;
        // 1e308 / sqrt(41.7) / sqrt(1e-15).
        Rejects(() => Schedule.MultiStep(0.1, new double[400], 10), "gamma", "*'gamma' is 10; it must be small enough that initial · gamma^400*is finite*");
        Rejects(() => Schedule.Constant(1e308).Scale(10), "factor", "*'factor' is 10; it must be small enough that factor times the schedule's largest magnitude, 1E+308, is finite*");
        Rejects(() => Schedule.Product(Schedule.Constant(1e200), Schedule.Constant(-1e200)), "factors", "*'factors' is 2 schedules whose largest magnitudes multiply to 1E+200 · 1E+200, past the largest double; it must be*");
        Rejects(() => Schedule.OneCycle(new OneCycleOptions { MaxLearningRate = 1, TotalSteps = 100, DivFactor = 5e-324 }), "options", "*DivFactor' is 5E-324; it must be large enough that the initial rate*is finite*");
        Rejects(() => Schedule.Noam(41.7, 1e-15, factor: 1e308), "factor", "*'factor' is 1E+308; it must be small enough that the peak*is finite*");
    }

    [Fact]
    public void Overflows_JustWithinTheRange_AreAccepted()
    {
        // The same families where the largest value is still a double: 0.1 · 10^3 = 100 after the last milestone.
        Schedule.MultiStep(0.1, [1, 2, 3], 10).Evaluate(1e18).Should().BeApproximately(100, 1e-12);
        Schedule.Constant(1e307).Scale(10).Evaluate(0).Should().Be(1e308);
        Schedule.FromFunction(t => t).Scale(1e300).Evaluate(1).Should().Be(1e300, "a function's magnitude is unknown, so nothing is refused");
    }

    [Fact]
    public void GeometricInterpolation_RatioOutsideTheDoubles_StaysBetweenTheEnds()
    {
        // 1e-300 to 1e300 over 10: the ratio 1e600 is no double; halfway, the geometric mean sqrt(1e-300 · 1e300) = 1.
        Schedule.Anneal(1e-300, 1e300, 10, AnnealShape.Exponential).Evaluate(5).Should().BeApproximately(1, 1e-12);
        Schedule.Constant(1e300).WithWarmup(10, startValue: 1e-300, shape: AnnealShape.Exponential).Evaluate(5).Should().BeApproximately(1, 1e-12);
        Schedule.Anneal(1e300, 1e-300, 10, AnnealShape.Exponential).Evaluate(2.5).Should().BeApproximately(1e150, 1e138);
    }

    [Fact]
    public void Interpolation_EndsNearTheLargestDouble_StaysBetweenThem()
    {
        // 1e308 - (-1e308) overflows; halfway between the two is 0. At the start of a decay from the largest double, the
        // value is that double, not the rounding of floor + (max - floor) · 1 past it.
        Schedule.PiecewiseLinear([0, 1], [-1e308, 1e308]).Evaluate(0.5).Should().Be(0);
        Schedule.Linear(-1e308, 1e308, 10).Evaluate(5).Should().Be(0);
        Schedule.CosineAnnealing(double.MaxValue, 0.34 * double.MaxValue, 10).Evaluate(0).Should().Be(double.MaxValue);
        Schedule.Constant(double.MaxValue).WithWarmup(10, startValue: 0.5 * double.MaxValue).Evaluate(9.999).Should().BeLessThanOrEqualTo(double.MaxValue);
    }

    [Fact]
    public void InverseTime_NoDecayAtAPositionThatOverflowsTheRatio_IsTheInitialValue()
    {
        // decayRate 0: v = initial / (1 + 0 · t / s) = initial, even where t / s is infinite (0 · ∞ would be NaN).
        Schedule.InverseTime(0.1, 0, 1e-300).Evaluate(1e10).Should().Be(0.1);
    }

    [Fact]
    public void Lists_BadEntries_ThrowNamingTheEntry()
    {
        Rejects(() => Schedule.MultiStep(1, [-1]), "milestones[0]", "*'milestones[0]' is -1; it must be a finite number zero or more*");
        Rejects(() => Schedule.MultiStep(1, null!), "milestones", "*milestones*");
        Rejects(() => Schedule.PiecewiseConstant([3, 3], [1, 2, 3]), "boundaries[1]", "*'boundaries[1]' is 3; it must be greater than the value before it, 3*");
        Rejects(() => Schedule.PiecewiseConstant([3], [1]), "values.Count", "*'values.Count' is 1; it must be one more than boundaries.Count, 2*");
        Rejects(() => Schedule.PiecewiseConstant([3], [1, double.NaN]), "values[1]", "*'values[1]' is NaN; it must be a finite number*");
        Rejects(() => Schedule.PiecewiseLinear([], []), "positions", "*'positions' is empty; it must hold at least one value*");
        Rejects(() => Schedule.PiecewiseLinear([0, 1], [1]), "values.Count", "*'values.Count' is 1; it must be equal to positions.Count, 2*");
    }

    [Fact]
    public void Wrappers_BadArguments_ThrowNamingParameterValueAndRule()
    {
        var s = Schedule.Constant(1);
        Rejects(() => s.WithWarmup(0), "duration", "*'duration' is 0*greater than zero*");
        Rejects(() => s.WithWarmup(5, startValue: double.NaN), "startValue", "*'startValue' is NaN*finite*");
        Rejects(() => s.WithWarmup(5, shape: AnnealShape.Exponential), "startValue", "*'startValue' is 0*greater than zero*");
        Rejects(() => Schedule.Constant(0).WithWarmup(5, startValue: 0.1, shape: AnnealShape.Exponential), "schedule", "*'schedule' is 0*greater than zero where an exponential warmup ends*");
        Rejects(() => s.WithWarmup(5, mode: (WarmupMode)3), "mode", "*'mode' is 3*Prefix, Overlap*");
        Rejects(() => Schedule.Sequence([s, s], []), "milestones.Count", "*'milestones.Count' is 0; it must be one fewer than schedules.Count, 1*");
        Rejects(() => Schedule.Sequence([s, s], [0]), "milestones[0]", "*'milestones[0]' is 0; it must be greater than zero*");
        Rejects(() => Schedule.Sequence([], []), "schedules", "*'schedules' is empty*");
        Rejects(() => Schedule.Sequence([s, null!], [1]), "schedules[1]", "*schedules[1]*");
        Rejects(() => Schedule.Product(), "factors", "*'factors' is empty*");
        Rejects(() => s.Clamp(double.NaN, 1), "minimum", "*'minimum' is NaN; it must be a number less than positive infinity*");
        Rejects(() => s.Clamp(2, 1), "maximum", "*'maximum' is 1; it must be no less than minimum, 2*");
        Rejects(() => s.Scale(double.PositiveInfinity), "factor", "*'factor' is Infinity*finite*");
        Rejects(() => s.On((ProgressClock)9), "clock", "*'clock' is 9*Steps, Samples, Tokens, Epochs*");
        Rejects(() => Schedule.TanhDecay(new RestartsOptions { MaxValue = 1, Period = 5 }, lower: 3, upper: 3), "lower", "*'lower' is 3; it must be less than upper, 3*");
    }

    [Fact]
    public void Clamp_InfiniteBoundOnTheWrongSide_IsRejected()
    {
        // The XML docs allow a minimum of negative infinity and a maximum of positive infinity; a minimum of positive infinity
        // (or a maximum of negative infinity) would make every value infinite.
        var s = Schedule.Constant(1);
        Rejects(() => s.Clamp(double.PositiveInfinity, double.PositiveInfinity), "minimum", "*'minimum' is Infinity*");
        Rejects(() => s.Clamp(double.NegativeInfinity, double.NegativeInfinity), "maximum", "*'maximum' is -Infinity; it must be no less than minimum*");
        s.Clamp(double.NegativeInfinity, double.PositiveInfinity).Evaluate(3).Should().Be(1);
    }

    [Fact]
    public void RestartsOptions_TwoBrokenRules_ReportedInOneMessage()
    {
        Action act = () => Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 0.1, MinValue = -0.5, Period = 0, PeriodMultiplier = 0.5, CycleLimit = 0 });

        act.Should().Throw<ArgumentException>().WithParameterName("options")
            .WithMessage("*'options.MinValue' is -0.5; it must be a finite number zero or more*")
            .WithMessage("*'options.Period' is 0; it must be a finite number greater than zero*")
            .WithMessage("*'options.PeriodMultiplier' is 0.5; it must be a finite number 1 or more*")
            .WithMessage("*'options.CycleLimit' is 0; it must be 1 or more, or null for no limit*");
    }

    [Fact]
    public void RestartsOptions_TanhWithKDecay_IsRejected()
    {
        Rejects(() => Schedule.TanhDecay(new RestartsOptions { MaxValue = 1, Period = 5, KDecay = 2 }), "options", "*'options.KDecay' is 2; it must be 1 for a tanh schedule*");
    }

    [Fact]
    public void CyclicOptions_TwoBrokenRules_ReportedInOneMessage()
    {
        Action act = () => Schedule.Cyclic(new CyclicOptions { BaseLearningRate = 0.5, MaxLearningRate = -0.1, StepSizeUp = -1, Gamma = 0, Mode = (CyclicMode)5 });

        act.Should().Throw<ArgumentException>().WithParameterName("options")
            .WithMessage("*'options.MaxLearningRate' is -0.1; it must be a finite number zero or more*")
            .WithMessage("*'options.StepSizeUp' is -1; it must be a finite number greater than zero*")
            .WithMessage("*'options.Mode' is 5*")
            .WithMessage("*'options.Gamma' is 0*");
        Rejects(() => Schedule.CyclicMomentum(new CyclicOptions { MaxLearningRate = 1, BaseMomentum = 0.9, MaxMomentum = double.NaN }), "options", "*'options.MaxMomentum' is NaN; it must be a finite number zero or more*");
        Rejects(() => Schedule.Cyclic(new CyclicOptions { MaxLearningRate = 1, StepSizeDown = 0 }), "options", "*'options.StepSizeDown' is 0*greater than zero, or null*");
    }

    [Fact]
    public void OneCycleOptions_TwoBrokenRules_ReportedInOneMessage()
    {
        Action act = () => Schedule.OneCycle(new OneCycleOptions { MaxLearningRate = 0, TotalSteps = 10, PctStart = 1.1, AnnealStrategy = AnnealShape.OneMinusSqrt });

        act.Should().Throw<ArgumentException>().WithParameterName("options")
            .WithMessage("*'options.MaxLearningRate' is 0; it must be a finite number greater than zero*")
            .WithMessage("*'options.PctStart' is 1.1; it must be strictly between 0 and 1*")
            .WithMessage("*'options.AnnealStrategy' is OneMinusSqrt; it must be Cosine or Linear*");
        Rejects(() => Schedule.OneCycleMomentum(new OneCycleOptions { MaxLearningRate = 1, TotalSteps = 2 }), "options", "*'options.TotalSteps' is 2; it must be large enough that every phase is longer than zero with PctStart 0.3*");
    }

    [Fact]
    public void Families_BadScalarsNoOtherCheckCatches_ThrowNamingParameterValueAndRule()
    {
        // Each value passes every other check of its factory (an infinite end is not compared, a zero rate is not above 1),
        // so the factory's own check on that parameter is the only thing that refuses it.
        Rejects(() => Schedule.Anneal(1, double.PositiveInfinity, 5, AnnealShape.Linear), "end", "*'end' is Infinity; it must be a finite number.*");
        Rejects(() => Schedule.Anneal(0, 1, 5, AnnealShape.Exponential), "start", "*'start' is 0; it must be a finite number greater than zero.*");
        Rejects(() => Schedule.CosineAnnealing(1, -0.1, 10), "minimum", "*'minimum' is -0.1; it must be a finite number zero or more.*");
        Rejects(() => Schedule.CosineWithMinRatio(-1, 0.5, 10), "initial", "*'initial' is -1; it must be a finite number zero or more.*");
        Rejects(() => Schedule.CosineWithMinRatio(1, 0.5, 0), "duration", "*'duration' is 0; it must be a finite number greater than zero.*");
        Rejects(() => Schedule.Polynomial(double.NaN, 0, 10), "initial", "*'initial' is NaN; it must be a finite number.*");
        Rejects(() => Schedule.Polynomial(1, double.NegativeInfinity, 10), "end", "*'end' is -Infinity; it must be a finite number.*");
        Rejects(() => Schedule.Exponential(double.PositiveInfinity, 0.5), "initial", "*'initial' is Infinity; it must be a finite number.*");
        Rejects(() => Schedule.BoundedExponential(double.NaN, 0.5, 0), "initial", "*'initial' is NaN; it must be a finite number.*");
        Rejects(() => Schedule.BoundedExponential(1, 0, 0), "rate", "*'rate' is 0; it must be a finite number greater than zero.*");
        Rejects(() => Schedule.BoundedExponential(1, 0.5, 0, interval: 0), "interval", "*'interval' is 0; it must be a finite number greater than zero.*");
        Rejects(() => Schedule.InverseSqrt(double.NaN, 10), "initial", "*'initial' is NaN; it must be a finite number.*");
        Rejects(() => Schedule.TanhDecay(new RestartsOptions { MaxValue = 1, Period = 5 }, lower: double.NaN), "lower", "*'lower' is NaN; it must be a finite number.*");
        Rejects(() => Schedule.TanhDecay(new RestartsOptions { MaxValue = 1, Period = 5 }, lower: double.NegativeInfinity), "lower", "*'lower' is -Infinity; it must be a finite number.*");
        Rejects(() => Schedule.TanhDecay(new RestartsOptions { MaxValue = 1, Period = 5 }, upper: double.PositiveInfinity), "upper", "*'upper' is Infinity; it must be a finite number.*");
    }

    [Fact]
    public void BoundedExponential_RateOneNegativeInitial_IsAcceptedAndConstant()
    {
        // Only a rate above 1 grows a negative value toward negative infinity. At rate 1, initial · 1^t = -2 everywhere, and the
        // ceiling (rate >= 1 clips with min, as optax) keeps min(-2, -1) = -2.
        var schedule = Schedule.BoundedExponential(-2, 1, -1);

        schedule.Evaluate(0).Should().Be(-2);
        schedule.Evaluate(1e6).Should().Be(-2);
    }

    [Fact]
    public void Lists_RepeatedPointOrMilestone_IsRejectedAsNotStrictlyAscending()
    {
        var s = Schedule.Constant(1);
        Rejects(() => Schedule.PiecewiseLinear([0, 1, 1], [1, 2, 3]), "positions[2]", "*'positions[2]' is 1; it must be greater than the value before it, 1*");
        Rejects(() => Schedule.Sequence([s, s, s], [2, 2]), "milestones[1]", "*'milestones[1]' is 2; it must be greater than the value before it, 2*");
    }

    [Fact]
    public void Wrappers_NullSchedule_ThrowArgumentNullExceptionNamingIt()
    {
        LearningRateSchedule none = null!;
        Action[] calls = [() => none.WithWarmup(5), () => none.Clamp(0, 1), () => none.Scale(2), () => none.On(ProgressClock.Steps), () => none.Tabulate(3)];

        foreach (Action call in calls)
        {
            call.Should().Throw<ArgumentNullException>().WithParameterName("schedule");
        }
    }

    [Fact]
    public void Wrappers_BadArgumentsNoOtherCheckCatches_ThrowNamingParameterValueAndRule()
    {
        // NaN times the schedule's magnitude is NaN too, but the rule broken is finiteness, not the size of the product.
        var s = Schedule.Constant(1);
        Rejects(() => s.WithWarmup(5, shape: (AnnealShape)9), "shape", "*'shape' is 9; it must be one of Linear, Cosine, OneMinusSqrt, Exponential*");
        Rejects(() => s.Scale(double.NaN), "factor", "*'factor' is NaN; it must be a finite number.*");
        Rejects(() => Schedule.Sequence([], []), "schedules", "*'schedules' is empty; it must hold at least one schedule.*");
        Rejects(() => Schedule.Product(), "factors", "*'factors' is empty; it must hold at least one schedule.*");
    }

    [Fact]
    public void SequenceAndProduct_OneSchedule_ReturnTheScheduleItself()
    {
        // Joining or multiplying a single schedule is that schedule: no wrapper, so no extra call per evaluation.
        LearningRateSchedule s = Schedule.Linear(1, 0, 10);

        Schedule.Sequence([s], []).Should().BeSameAs(s);
        Schedule.Product(s).Should().BeSameAs(s);
    }

    [Fact]
    public void Options_Null_ThrowArgumentNullExceptionNamingOptions()
    {
        Action[] calls =
        [
            () => Schedule.CosineWithRestarts(null!),
            () => Schedule.Cyclic(null!),
            () => Schedule.OneCycle(null!),
            () => Schedule.WarmupStableDecay(null!),
        ];

        foreach (Action call in calls)
        {
            call.Should().Throw<ArgumentNullException>().WithParameterName("options");
        }
    }

    [Fact]
    public void RestartsOptions_NegativeMaxValue_IsRejected()
    {
        Rejects(() => Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = -1, Period = 5 }), "options", "*'options.MaxValue' is -1; it must be a finite number zero or more*");
    }

    [Fact]
    public void RestartsOptions_GrowingPeakWithoutLimit_IsRejectedEvenFromZero()
    {
        // The rule is on CycleDecay, whatever the first peak: a decay above 1 with no CycleLimit is refused with MaxValue 0 too.
        Rejects(() => Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 0, Period = 5, CycleDecay = 2 }), "options", "*'options.CycleDecay' is 2; it must be at most 1 when CycleLimit is null*");
    }

    [Fact]
    public void RestartsOptions_LastPeakOverflows_MessageGivesItsExponent()
    {
        // 400 cycles: the last peak is 1 · 10^(400 - 1) = 10^399, past the largest double (about 1.8e308).
        Rejects(
            () => Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1, Period = 5, CycleDecay = 10, CycleLimit = 400 }),
            "options",
            "*'options.CycleDecay' is 10; it must be small enough that the last peak, MaxValue · CycleDecay^(CycleLimit - 1) = 1 · CycleDecay^399, is finite*");
    }

    [Fact]
    public void CyclicOptions_UndefinedScaleMode_IsRejected()
    {
        Rejects(() => Schedule.Cyclic(new CyclicOptions { MaxLearningRate = 1, ScaleMode = (CyclicScaleMode)7 }), "options", "*'options.ScaleMode' is 7; it must be Cycle, Iterations or null*");
    }

    [Fact]
    public void Cyclic_BuiltInScale_HasAKnownMagnitudeThatScaleChecks()
    {
        // Triangular stays within [base, max] = [0.1, 10], so scaling by 1e308 would reach 1e309, past the largest double.
        var schedule = Schedule.Cyclic(new CyclicOptions { BaseLearningRate = 0.1, MaxLearningRate = 10, StepSizeUp = 5 });

        Rejects(() => schedule.Scale(1e308), "factor", "*'factor' is 1E+308; it must be small enough that factor times the schedule's largest magnitude, 10, is finite*");
    }

    [Fact]
    public void MultiStep_UnsortedMilestones_AreSortedAsPyTorchDoes()
    {
        // PyTorch's MultiStepLR counts milestones with a Counter and bisects their sorted list.
        var unsorted = Schedule.MultiStep(1.0, [8, 3, 5, 3]);
        var sorted = Schedule.MultiStep(1.0, [3, 3, 5, 8]);

        for (int t = 0; t < 12; t++)
        {
            unsorted.Evaluate(t).Should().Be(sorted.Evaluate(t));
        }

        unsorted.Evaluate(4).Should().BeApproximately(0.01, 1e-15); // two decays at 3
    }
}
