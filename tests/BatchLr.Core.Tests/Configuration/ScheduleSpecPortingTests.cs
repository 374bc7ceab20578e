using System;
using BatchLr.Configuration;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Configuration;

/// <summary>
/// The options of the anchors' schedules that docs/porting.md maps to the spec, against values worked from each library's
/// own formula (the file is named at each test), not from BatchLr.
/// </summary>
public class ScheduleSpecPortingTests
{
    [Fact]
    public void CosineDecay_AlphaAndExponent_FollowOptax()
    {
        // optax/schedules/_schedule.py, cosine_decay_schedule(init_value=1, decay_steps=10, alpha=0.1, exponent=2):
        // count = min(count, 10); decayed = (1 - alpha) · (0.5 (1 + cos(π count / 10)))^2 + alpha.
        LearningRateSchedule schedule = Build("""{"lr": 1.0, "schedule": {"type": "cosine_decay", "decay_steps": 10, "alpha": 0.1, "exponent": 2}}""");

        Approx.Equal(1.0, schedule.Evaluate(0));
        Approx.Equal((0.9 * 0.25) + 0.1, schedule.Evaluate(5));                 // cosine factor 0.5, squared
        Approx.Equal((0.9 * Math.Pow(0.5 * (1 + Math.Cos(0.8 * Math.PI)), 2)) + 0.1, schedule.Evaluate(8));
        Approx.Equal(0.1, schedule.Evaluate(10));
        Approx.Equal(0.1, schedule.Evaluate(250), because: "optax and Keras clamp the count at decay_steps");
    }

    [Fact]
    public void CosineDecay_KerasWarmupTarget_IsTheWarmupWrapper()
    {
        // keras/src/optimizers/schedules/learning_rate_schedule.py, CosineDecay(initial_learning_rate=0.01, decay_steps=8,
        // warmup_target=0.2, warmup_steps=4): step < 4 is 0.01 + (0.2 - 0.01) · step / 4; then 0.2 · decayed(step - 4),
        // the step clamped at decay_steps + warmup_steps. As a spec: lr = warmup_target, a prefix warmup from
        // initial_learning_rate.
        LearningRateSchedule schedule = Build(
            """{"lr": 0.2, "schedule": {"type": "warmup", "warmup_steps": 4, "start_value": 0.01, "schedule": {"type": "cosine_decay", "decay_steps": 8}}}""");

        for (int step = 0; step < 20; step++)
        {
            double expected = step < 4
                ? 0.01 + ((0.2 - 0.01) * step / 4.0)
                : 0.2 * 0.5 * (1 + Math.Cos(Math.PI * (Math.Min(step, 12) - 4) / 8.0));
            Approx.Within(expected, schedule.Evaluate(step), 1e-15, "at step " + step);
        }
    }

    [Fact]
    public void CosineDecay_OptaxWarmupCosineDecaySchedule_IsTheWarmupWrapper()
    {
        // optax warmup_cosine_decay_schedule(init_value=0.05, peak_value=0.5, warmup_steps=3, decay_steps=13, end_value=0.05,
        // exponent=1.5): join_schedules([linear_schedule(0.05, 0.5, 3), cosine_decay_schedule(0.5, 13 - 3, alpha=0.05 / 0.5,
        // exponent=1.5)], [3]), the second on count - 3.
        LearningRateSchedule schedule = Build(
            """{"lr": 0.5, "schedule": {"type": "warmup", "warmup_steps": 3, "start_value": 0.05, "schedule": {"type": "cosine_decay", "decay_steps": 10, "alpha": 0.1, "exponent": 1.5}}}""");

        for (int count = 0; count < 20; count++)
        {
            double expected = count < 3
                ? 0.05 + ((0.5 - 0.05) * count / 3.0)
                : 0.5 * ((0.9 * Math.Pow(0.5 * (1 + Math.Cos(Math.PI * Math.Min(count - 3, 10) / 10.0)), 1.5)) + 0.1);
            Approx.Equal(expected, schedule.Evaluate(count), 1e-12, "at count " + count);
        }
    }

    [Fact]
    public void PolynomialDecay_Cycle_FollowsKeras()
    {
        // keras learning_rate_schedule.py, PolynomialDecay(0.05, decay_steps=10, end_learning_rate=0.001, power=0.5, cycle=True):
        // decay_steps · ceil(step / decay_steps), the multiplier 1 at step 0; (0.05 - 0.001) · (1 - step / D)^0.5 + 0.001.
        LearningRateSchedule schedule = Build("""{"lr": 0.05, "schedule": {"type": "polynomial_decay", "decay_steps": 10, "end_learning_rate": 0.001, "power": 0.5, "cycle": true}}""");

        Approx.Equal(0.05, schedule.Evaluate(0));
        Approx.Equal((0.049 * Math.Sqrt(0.5)) + 0.001, schedule.Evaluate(5));     // D = 10
        Approx.Equal(0.001, schedule.Evaluate(10));                             // D = 10: 1 - 10/10
        Approx.Equal((0.049 * Math.Sqrt(0.25)) + 0.001, schedule.Evaluate(15));  // D = 20: 1 - 15/20
        Approx.Equal((0.049 * Math.Sqrt(1 - (21.0 / 30))) + 0.001, schedule.Evaluate(21)); // D = 30
    }

    [Fact]
    public void PolynomialDecay_WithoutCycle_HoldsTheEndAsKerasDoes()
    {
        // Keras: step = min(step, decay_steps); the default end_learning_rate is 1e-4 and power 1.
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "polynomial_decay", "decay_steps": 4}}""");
        LearningRateSchedule schedule = spec.Build().LearningRates![0];

        spec.ToJson().Should().Contain("\"end_learning_rate\": 0.0001").And.Contain("\"cycle\": false");
        Approx.Equal(((0.1 - 1e-4) * 0.75) + 1e-4, schedule.Evaluate(1));
        Approx.Equal(1e-4, schedule.Evaluate(4));
        Approx.Equal(1e-4, schedule.Evaluate(400));
    }

    [Fact]
    public void CosineDecayRestarts_MMulAndAlpha_FollowKeras()
    {
        // keras learning_rate_schedule.py, CosineDecayRestarts(initial_learning_rate=2, first_decay_steps=10) with its
        // defaults t_mul 2, then m_mul 0.5 and alpha 0.1: f = step / 10; i = floor(log(1 - f (1 - 2)) / log 2);
        // f' = (f - (1 - 2^i) / (1 - 2)) / 2^i; lr = 2 · ((1 - alpha) · 0.5 · m_mul^i · (1 + cos(π f')) + alpha).
        LearningRateSchedule defaults = Build("""{"lr": 2.0, "schedule": {"type": "cosine_decay_restarts", "first_decay_steps": 10}}""");
        LearningRateSchedule schedule = Build("""{"lr": 2.0, "schedule": {"type": "cosine_decay_restarts", "first_decay_steps": 10, "m_mul": 0.5, "alpha": 0.1}}""");

        Approx.Equal(2.0, defaults.Evaluate(10), because: "t_mul 2: the second cycle starts at 10 and lasts 20");
        Approx.Equal(2.0 * 0.5, defaults.Evaluate(20));                                  // i = 1, f' = 0.5
        Approx.Equal(2.0, defaults.Evaluate(30));                                        // i = 2, f' = 0
        Approx.Equal(2.0 * ((0.9 * 0.5) + 0.1), schedule.Evaluate(5));                  // i = 0, f' = 0.5
        Approx.Equal(2.0 * ((0.9 * 0.5) + 0.1), schedule.Evaluate(10));                 // i = 1, f' = 0: 0.5 · 0.5 · 2
        Approx.Equal(2.0 * ((0.9 * 0.25) + 0.1), schedule.Evaluate(20));                // i = 1, f' = 0.5
        Approx.Equal(2.0 * ((0.9 * 0.25) + 0.1), schedule.Evaluate(30));                // i = 2, f' = 0: 0.5 · 0.25 · 2
        Approx.Equal(2.0 * ((0.9 * 0.125 * (1 + Math.Cos(0.25 * Math.PI))) + 0.1), schedule.Evaluate(40)); // i = 2, f' = (4 - 3) / 4
    }

    [Theory]
    [InlineData("m_mul", 1.5)]
    [InlineData("m_mul", -0.5)]
    [InlineData("alpha", 1.5)]
    [InlineData("t_mul", 0.5)]
    public void CosineDecayRestarts_OptionOutOfRange_NamesItsPath(string field, double value)
    {
        string json = "{\"lr\": 0.1, \"schedule\": {\"type\": \"cosine_decay_restarts\", \"first_decay_steps\": 10, \"" + field + "\": "
            + value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}";

        Action parse = () => ScheduleSpec.Parse(json);

        parse.Should().Throw<ScheduleSpecException>().Which.Path.Should().Be("$.schedule." + field);
    }

    [Fact]
    public void PolyTimm_KDecayCyclesAndPrefixWarmup_FollowTimm()
    {
        // timm/scheduler/poly_lr.py, PolyLRScheduler(t_initial=10, power=0.5, lr_min=0.01, cycle_mul=2, cycle_decay=0.5,
        // cycle_limit=3, warmup_t=2, warmup_lr_init=0.001, warmup_prefix=True, k_decay=2), base lr 0.1:
        // t < 2: 0.001 + t · (0.1 - 0.001) / 2; then t -= 2, i = floor(log_2(1 + t / 10)), t_i = 10 · 2^i,
        // t_curr = t - 10 (2^i - 1), lr = 0.01 + (0.1 · 0.5^i - 0.01) · (1 - t_curr^2 / t_i^2)^0.5, lr_min from i = 3.
        LearningRateSchedule schedule = Build(
            """{"lr": 0.1, "schedule": {"type": "poly_timm", "t_initial": 10, "lr_min": 0.01, "cycle_mul": 2, "cycle_decay": 0.5, "cycle_limit": 3, "k_decay": 2, "warmup_t": 2, "warmup_lr_init": 0.001, "warmup_prefix": true}}""");

        Approx.Equal(0.001, schedule.Evaluate(0));
        Approx.Equal(0.001 + (0.099 / 2), schedule.Evaluate(1));
        Approx.Equal(0.1, schedule.Evaluate(2));                                        // t = 0
        Approx.Equal(0.01 + (0.09 * Math.Sqrt(0.75)), schedule.Evaluate(7));            // t = 5, i = 0
        Approx.Equal(0.05, schedule.Evaluate(12));                                      // t = 10, i = 1, t_curr = 0
        Approx.Equal(0.01 + (0.04 * Math.Sqrt(0.75)), schedule.Evaluate(22));           // t = 20, i = 1, t_curr = 10, t_i = 20
        Approx.Equal(0.025, schedule.Evaluate(32));                                     // t = 30, i = 2
        Approx.Equal(0.01, schedule.Evaluate(72));                                      // t = 70, i = 3 = cycle_limit
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TanhDecay_Warmup_FollowsTimm(bool prefix)
    {
        // timm/scheduler/tanh_lr.py, TanhLRScheduler(t_initial=10, lr_min=0.01, warmup_t=4, warmup_lr_init=0.002, warmup_prefix),
        // base lr 0.1: the warmup rises by (target - 0.002) / 4 a step, target b with warmup_prefix and _get_lr(warmup_t),
        // the curve at 4, without; then, t shifted by 4 with warmup_prefix,
        // lr = 0.01 + 0.5 · (0.1 - 0.01) · (1 - tanh(-7 (1 - t / 10) + 3 t / 10)) while t < 10, then lr_min.
        static double Tanh(double t) => t >= 10 ? 0.01 : 0.01 + (0.5 * 0.09 * (1 - Math.Tanh((-7 * (1 - (t / 10))) + (3 * t / 10))));
        string json = "{\"lr\": 0.1, \"schedule\": {\"type\": \"tanh_decay\", \"t_initial\": 10, \"lr_min\": 0.01, \"warmup_t\": 4, \"warmup_lr_init\": 0.002, \"warmup_prefix\": "
            + (prefix ? "true" : "false") + "}}";
        LearningRateSchedule schedule = Build(json);

        double target = prefix ? 0.1 : Tanh(4);
        for (int t = 0; t < 20; t++)
        {
            double expected = t < 4 ? 0.002 + (t * (target - 0.002) / 4) : Tanh(prefix ? t - 4 : t);
            Approx.Equal(expected, schedule.Evaluate(t), 1e-12, "at t = " + t);
        }
    }

    [Fact]
    public void ExponentialLR_GammaPerGroup_IsPerGroupLambdaLR()
    {
        // torch/optim/lr_scheduler.py, LambdaLR.get_lr: base_lr_g · lr_lambdas[g](last_epoch); with lr_lambda
        // [lambda e: 0.9 ** e, lambda e: 0.5 ** e] group g follows b_g · gamma_g^s, which ExponentialLR with a per-group gamma writes.
        OptimizerSchedule schedule = ScheduleSpec.Parse("""{"lr": [0.1, 0.2], "schedule": {"type": "ExponentialLR", "gamma": [0.9, 0.5]}}""").Build();

        for (int s = 0; s < 12; s++)
        {
            Approx.Equal(0.1 * Math.Pow(0.9, s), schedule.GetLearningRateAt(0, s));
            Approx.Equal(0.2 * Math.Pow(0.5, s), schedule.GetLearningRateAt(1, s));
        }
    }

    [Fact]
    public void ExponentialLR_OneGammaForEveryGroup_StillReads()
    {
        OptimizerSchedule schedule = ScheduleSpec.Parse("""{"lr": [0.1, 0.2], "schedule": {"type": "ExponentialLR", "gamma": 0.5}}""").Build();

        Approx.Equal(0.1 * 0.125, schedule.GetLearningRateAt(0, 3));
        Approx.Equal(0.2 * 0.125, schedule.GetLearningRateAt(1, 3));
    }

    [Theory]
    [InlineData("""{"lr": [0.1, 0.2], "schedule": {"type": "ExponentialLR", "gamma": [0.9]}}""", "$.schedule.gamma")]
    [InlineData("""{"lr": [0.1, 0.2], "schedule": {"type": "ExponentialLR", "gamma": [0.9, 0]}}""", "$.schedule.gamma[1]")]
    [InlineData("""{"lr": [0.1, 0.2], "schedule": {"type": "SequentialLR", "milestones": [3], "schedulers": [{"type": "constant"}, {"type": "ExponentialLR", "gamma": [0.9, -1]}]}}""", "$.schedule.schedulers[1].gamma[1]")]
    public void ExponentialLR_BadPerGroupGamma_NamesItsPath(string json, string path)
    {
        Action parse = () => ScheduleSpec.Parse(json);

        parse.Should().Throw<ScheduleSpecException>().Which.Path.Should().Be(path);
    }

    /// <summary>
    /// Hugging Face's lambdas (src/transformers/optimization.py) at steps 0 to 4·T with W = 2, T = 10, b = 0.5, written out as
    /// that file does, past num_training_steps too: the cosine ones go on along the cosine (progress above 1), the others hold.
    /// </summary>
    public static TheoryData<string, string, double> HuggingFaceTypes => new()
    {
        { "linear", string.Empty, 0 },
        { "cosine", string.Empty, 0.5 },
        { "cosine", ", \"num_cycles\": 1.25", 1.25 },
        { "cosine_with_restarts", ", \"num_cycles\": 2", 2 },
        { "polynomial", ", \"lr_end\": 0.05, \"power\": 2", 0 },
        { "constant_with_warmup", string.Empty, 0 },
        { "inverse_sqrt", string.Empty, 0 },
        { "cosine_with_min_lr", ", \"min_lr_rate\": 0.1", 0.5 },
        { "cosine_with_min_lr", ", \"min_lr\": 0.1, \"num_cycles\": 0.75", 0.75 },
        { "cosine_warmup_with_min_lr", ", \"min_lr_rate\": 0.1", 0.5 },
        { "warmup_stable_decay", ", \"num_decay_steps\": 4, \"min_lr_ratio\": 0.1", 0.5 },
        { "warmup_stable_decay", ", \"num_decay_steps\": 4, \"min_lr_ratio\": 0.1, \"num_cycles\": 1", 1 },
    };

    [Theory]
    [MemberData(nameof(HuggingFaceTypes))]
    public void HuggingFace_EveryStepPastNumTrainingSteps_FollowsTheLambda(string type, string extra, double cycles)
    {
        const double B = 0.5;
        const int W = 2;
        const int T = 10;
        string training = type is "constant_with_warmup" or "inverse_sqrt" ? string.Empty : ", \"num_training_steps\": 10";
        LearningRateSchedule schedule = Build("{\"lr\": 0.5, \"schedule\": {\"type\": \"" + type + "\", \"num_warmup_steps\": 2" + training + extra + "}}");
        double minRate = extra.Contains("\"min_lr\"", StringComparison.Ordinal) ? 0.1 / B : 0.1; // min_lr_rate = min_lr / lr

        for (int step = 0; step <= 4 * T; step++)
        {
            double warmup = step / (double)Math.Max(1, W);
            double progress = (step - W) / (double)Math.Max(1, T - W);
            double lambda = type switch
            {
                "linear" => step < W ? warmup : Math.Max(0.0, (T - step) / (double)Math.Max(1, T - W)),
                "cosine" => step < W ? warmup : Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * cycles * 2.0 * progress))),
                "cosine_with_restarts" => step < W ? warmup : progress >= 1.0 ? 0.0 : Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * ((2 * progress) % 1.0)))),
                "polynomial" => step < W ? warmup : step > T ? 0.05 / B : (((B - 0.05) * Math.Pow(1 - ((step - W) / (double)(T - W)), 2)) + 0.05) / B,
                "constant_with_warmup" => step < W ? warmup : 1.0,
                "inverse_sqrt" => step < W ? warmup : 1.0 / Math.Sqrt((step + (W - W)) / (double)W), // timescale = num_warmup_steps, shift 0
                "cosine_with_min_lr" => step < W ? warmup : Math.Max(0, (0.5 * (1.0 + Math.Cos(Math.PI * cycles * 2.0 * progress)) * (1 - minRate)) + minRate),
                "cosine_warmup_with_min_lr" => step < W
                    ? (step + 1.0) / Math.Max(1.0, W)
                    : Math.Max(0, (0.5 * (1.0 + Math.Cos(Math.PI * 0.5 * 2.0 * ((step - W + 1.0) / Math.Max(1.0, T - W)))) * (1 - 0.1)) + 0.1),
                _ => Wsd(step, cycles),
            };

            Approx.Within(B * lambda, schedule.Evaluate(step), 1e-12, type + extra + " at step " + step);
        }

        // _get_wsd_scheduler_lambda with W = 2, S = T - W - D = 4, D = 4, min_lr_ratio 0.1.
        static double Wsd(int step, double cycles)
        {
            if (step < W)
            {
                return (step / (double)W * 0.9) + 0.1;
            }

            if (step < W + 4)
            {
                return 1.0;
            }

            if (step < W + 8)
            {
                double p = (step - W - 4) / 4.0;
                return Math.Max(0.0, (0.5 * (1.0 + Math.Cos(Math.PI * cycles * 2.0 * p)) * 0.9) + 0.1);
            }

            return 0.1;
        }
    }

    [Fact]
    public void Cosine_PastNumTrainingSteps_RisesBackAsHuggingFaceDoes()
    {
        // get_cosine_schedule_with_warmup, num_warmup_steps 0, num_training_steps 10, num_cycles 0.5: progress = s / 10,
        // 0.5 (1 + cos(π progress)): 0 at s = 10, 0.5 at s = 15, 1 at s = 20 (the wave is back at the peak).
        LearningRateSchedule cosine = Build("""{"lr": 0.5, "schedule": {"type": "cosine", "num_training_steps": 10}}""");
        LearningRateSchedule withMin = Build("""{"lr": 0.5, "schedule": {"type": "cosine_with_min_lr", "num_training_steps": 10, "min_lr_rate": 0.1}}""");

        Approx.Within(0.0, cosine.Evaluate(10), 1e-16);
        Approx.Equal(0.25, cosine.Evaluate(15));
        Approx.Equal(0.5, cosine.Evaluate(20));
        Approx.Equal(0.05, withMin.Evaluate(10));
        Approx.Equal(0.5 * (0.1 + (0.9 * 0.5)), withMin.Evaluate(15));
        Approx.Equal(0.5, withMin.Evaluate(20));
    }

    [Fact]
    public void OwnFactoriesAndHeldTypes_PastTheirHorizon_HoldTheEndValue()
    {
        // BatchLr's own factory holds; so do the types whose upstream holds (optax and Keras clamp the count at decay_steps).
        Approx.Equal(0.05, Schedule.CosineWithMinRatio(0.5, 0.1, 10).Evaluate(20));
        Approx.Equal(0.05, Build("""{"lr": 0.5, "schedule": {"type": "cosine_decay", "decay_steps": 10, "alpha": 0.1}}""").Evaluate(20));
        Approx.Equal(0.05, Build("""{"lr": 0.5, "schedule": {"type": "polynomial_decay", "decay_steps": 10, "end_learning_rate": 0.05}}""").Evaluate(20));
    }

    [Fact]
    public void Optax_CosineOnecycleSchedule_IsACosineWarmupIntoCosineDecay()
    {
        // optax/schedules/_schedule.py, cosine_onecycle_schedule(transition_steps=20, peak_value=1, pct_start=0.3, div_factor=25,
        // final_div_factor=1e4): piecewise_interpolate_schedule('cosine', 1 / 25, {int(0.3 · 20) = 6: 25, 20: 1 / (25 · 1e4)}),
        // so values 0.04 → 1 → 4e-6 with end + (start - end) / 2 · (cos(π pct) + 1) between the bounds, and 4e-6 from 20 on.
        LearningRateSchedule schedule = Build(
            """{"lr": 1.0, "schedule": {"type": "warmup", "warmup_steps": 6, "start_value": 0.04, "shape": "cosine", "schedule": {"type": "cosine_decay", "decay_steps": 14, "alpha": 4e-6}}}""");

        static double Interpolate(double start, double end, double pct) => end + ((start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1));
        for (int count = 0; count < 30; count++)
        {
            double expected = count < 6 ? Interpolate(0.04, 1.0, count / 6.0) : count < 20 ? Interpolate(1.0, 4e-6, (count - 6) / 14.0) : 4e-6;
            Approx.Equal(expected, schedule.Evaluate(count), 1e-12, "at count " + count);
        }
    }

    [Fact]
    public void Optax_LinearOnecycleSchedule_IsPiecewiseLinear()
    {
        // optax linear_onecycle_schedule(transition_steps=20, peak_value=1, pct_start=0.3, pct_final=0.85, div_factor=25,
        // final_div_factor=1e4): piecewise_interpolate_schedule('linear', 0.04, {6: 25, int(0.85 · 20) = 17: 1 / 25, 20: 1e-4}),
        // values 0.04, 1, 0.04, 4e-6 at 0, 6, 17, 20, straight lines between, 4e-6 from 20 on.
        LearningRateSchedule schedule = Build("""{"lr": 1.0, "schedule": {"type": "piecewise_linear", "positions": [0, 6, 17, 20], "values": [0.04, 1, 0.04, 4e-6]}}""");

        for (int count = 0; count < 30; count++)
        {
            double expected = count < 6 ? 0.04 + ((1 - 0.04) * count / 6.0)
                : count < 17 ? 1 + ((0.04 - 1) * (count - 6) / 11.0)
                : count < 20 ? 0.04 + ((4e-6 - 0.04) * (count - 17) / 3.0)
                : 4e-6;
            Approx.Equal(expected, schedule.Evaluate(count), 1e-12, "at count " + count);
        }
    }

    [Fact]
    public void Optax_ExponentialDecayWithBeginAndEndValue_IsASequenceInAClamp()
    {
        // optax exponential_decay(init_value=1, transition_steps=4, decay_rate=0.5, transition_begin=3, end_value=0.1):
        // init while count - 3 ≤ 0, else 0.5^((count - 3) / 4), then max(·, 0.1) since decay_rate < 1.
        LearningRateSchedule schedule = Build(
            """{"lr": 1.0, "schedule": {"type": "clamp", "min": 0.1, "schedule": {"type": "SequentialLR", "milestones": [3], "schedulers": [{"type": "constant"}, {"type": "exponential_decay", "decay_rate": 0.5, "decay_steps": 4}]}}}""");

        for (int count = 0; count < 30; count++)
        {
            double expected = Math.Max(count - 3 <= 0 ? 1.0 : Math.Pow(0.5, (count - 3) / 4.0), 0.1);
            Approx.Equal(expected, schedule.Evaluate(count), 1e-12, "at count " + count);
        }
    }

    [Fact]
    public void Optax_SgdrSchedule_IsASequenceOfScaledWarmupCosines()
    {
        // optax sgdr_schedule([dict(init_value=0, peak_value=1, warmup_steps=2, decay_steps=6),
        //                      dict(init_value=0, peak_value=0.5, warmup_steps=2, decay_steps=8, end_value=0.05)]):
        // join_schedules of two warmup_cosine_decay_schedules at boundary 6, the second on count - 6; each cosine runs
        // decay_steps - warmup_steps with alpha = end_value / peak_value.
        LearningRateSchedule schedule = Build(
            """
            {"lr": 1.0, "schedule": {"type": "SequentialLR", "milestones": [6], "schedulers": [
              {"type": "warmup", "warmup_steps": 2, "schedule": {"type": "cosine_decay", "decay_steps": 4}},
              {"type": "scale", "factor": 0.5, "schedule": {"type": "warmup", "warmup_steps": 2, "schedule": {"type": "cosine_decay", "decay_steps": 6, "alpha": 0.1}}}]}}
            """);

        static double WarmupCosine(int count, double peak, int warmup, int decay, double alpha) => count < warmup
            ? peak * count / warmup
            : peak * (((1 - alpha) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(count - warmup, decay - warmup) / (decay - warmup)))) + alpha);
        for (int count = 0; count < 25; count++)
        {
            double expected = count < 6 ? WarmupCosine(count, 1.0, 2, 6, 0) : WarmupCosine(count - 6, 0.5, 2, 8, 0.1);
            Approx.Within(expected, schedule.Evaluate(count), 1e-15, "at count " + count);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Timm_StepLRSchedulerWithWarmup_IsTheWarmupWrapperAroundStepLR(bool prefix)
    {
        // timm/scheduler/step_lr.py, StepLRScheduler(decay_t=5, decay_rate=0.5, warmup_t=3, warmup_lr_init=0.01, warmup_prefix),
        // base lr 0.1: t < 3 is 0.01 + t · (0.1 - 0.01) / 3; then 0.1 · 0.5^(t // 5), t shifted by 3 with warmup_prefix. Without
        // the prefix the overlap warmup rises to StepLR(3) = 0.1, which is b because warmup_t < decay_t.
        LearningRateSchedule schedule = Build(
            "{\"lr\": 0.1, \"schedule\": {\"type\": \"warmup\", \"warmup_steps\": 3, \"start_value\": 0.01, \"mode\": \""
            + (prefix ? "prefix" : "overlap") + "\", \"schedule\": {\"type\": \"StepLR\", \"step_size\": 5, \"gamma\": 0.5}}}");

        for (int t = 0; t < 30; t++)
        {
            double expected = t < 3 ? 0.01 + (t * (0.1 - 0.01) / 3) : 0.1 * Math.Pow(0.5, Math.Floor((prefix ? t - 3 : t) / 5.0));
            Approx.Equal(expected, schedule.Evaluate(t), 1e-12, "at t = " + t);
        }
    }

    [Theory]
    [InlineData("1-sqrt")]
    [InlineData("linear")]
    [InlineData("cosine")]
    public void Timm_WsdLRScheduler_IsTheWarmupWrapperAroundWarmupStableDecay(string decay)
    {
        // timm/scheduler/wsd_lr.py, WSDLRScheduler(t_initial=10, decay_t=4, lr_min=0.01, decay_fn, warmup_t=2, warmup_lr_init=0.001),
        // base lr 0.1: t < 2 is 0.001 + t · (0.1 - 0.001) / 2; t_s = t - 2, t_decay = t_s - (10 - 4); 0.1 while t_decay ≤ 0,
        // else 0.01 + (0.1 - 0.01) · decay(min(t_decay / 4, 1)). min_lr_ratio = lr_min / b = 0.1.
        LearningRateSchedule schedule = Build(
            "{\"lr\": 0.1, \"schedule\": {\"type\": \"warmup\", \"warmup_steps\": 2, \"start_value\": 0.001, \"schedule\": "
            + "{\"type\": \"warmup_stable_decay\", \"num_stable_steps\": 6, \"num_decay_steps\": 4, \"decay_type\": \"" + decay + "\", \"min_lr_ratio\": 0.1}}}");

        for (int t = 0; t < 25; t++)
        {
            double tDecay = t - 2 - 6;
            double frac = Math.Min(tDecay / 4, 1);
            double factor = decay switch
            {
                "1-sqrt" => 1 - Math.Sqrt(frac),
                "linear" => 1 - frac,
                _ => 0.5 * (1 + Math.Cos(Math.PI * frac)),
            };
            double expected = t < 2 ? 0.001 + (t * (0.1 - 0.001) / 2) : tDecay <= 0 ? 0.1 : 0.01 + ((0.1 - 0.01) * factor);
            Approx.Within(expected, schedule.Evaluate(t), 1e-15, decay + " at t = " + t);
        }
    }

    [Theory]
    [InlineData("cos")]
    [InlineData("linear")]
    public void Torch_SWALR_IsACosineDecayOrLinearLRFromTheRateItFinds(string strategy)
    {
        // torch/optim/swa_utils.py, SWALR(swa_lr=0.02, anneal_epochs=5, anneal_strategy) on an optimizer at 0.1: get_lr recovers
        // the rate it started from, so after s steps the rate is swa_lr · α + 0.1 · (1 - α), α = anneal(min(1, s / 5)),
        // with anneal t (linear) or (1 - cos(π t)) / 2 (cos).
        string json = strategy == "cos"
            ? """{"lr": 0.1, "schedule": {"type": "cosine_decay", "decay_steps": 5, "alpha": 0.2}}"""
            : """{"lr": 0.1, "schedule": {"type": "LinearLR", "start_factor": 1, "end_factor": 0.2, "total_iters": 5}}""";
        LearningRateSchedule schedule = Build(json);

        for (int s = 0; s < 12; s++)
        {
            double t = Math.Min(1, s / 5.0);
            double alpha = strategy == "cos" ? (1 - Math.Cos(Math.PI * t)) / 2 : t;
            Approx.Equal((0.02 * alpha) + (0.1 * (1 - alpha)), schedule.Evaluate(s), 1e-12, "at step " + s);
        }
    }

    [Fact]
    public void Keras_PiecewiseConstantDecay_IsPiecewiseConstantWithBoundariesPlusOne()
    {
        // keras PiecewiseConstantDecay(boundaries=[3, 6], values=[1, 0.5, 0.1]): values[0] while step <= 3, values[1] while
        // 3 < step <= 6, values[2] after; on whole steps the spec's boundaries (a value starts at its boundary) are 4 and 7.
        LearningRateSchedule schedule = Build("""{"lr": 1.0, "schedule": {"type": "piecewise_constant", "boundaries": [4, 7], "values": [1, 0.5, 0.1]}}""");

        for (int step = 0; step < 12; step++)
        {
            schedule.Evaluate(step).Should().Be(step <= 3 ? 1 : step <= 6 ? 0.5 : 0.1, "at step {0}", step);
        }
    }

    [Theory]
    [InlineData(0, 0, 0.0)]
    [InlineData(1, 0, 0.01)]
    [InlineData(2, 1, 0.0)]
    [InlineData(3, 2, 0.01)]
    [InlineData(5, 3, 0.005)]
    public void Keras_ReduceLROnPlateauCallback_IsReduceLROnPlateauWithPatienceAndCooldownLessOne(int patience, int cooldown, double minDelta)
    {
        // keras/src/callbacks/reduce_lr_on_plateau.py, on_epoch_end in "min" mode: a cooldown epoch decrements the counter and
        // zeroes wait; an improvement (current < best - min_delta) resets wait; otherwise, out of cooldown, wait += 1 and at
        // wait >= patience the rate becomes max(lr · factor, min_lr) when lr > min_lr, with cooldown_counter = cooldown.
        // PyTorch reduces at num_bad_epochs > patience and skips cooldown epochs after counting them, so Keras' patience p and
        // cooldown c are PyTorch's max(p - 1, 0) and max(c - 1, 0), with threshold_mode "abs" and threshold = min_delta.
        const double Factor = 0.5;
        const double MinLr = 0.002;
        ScheduleSpec spec = ScheduleSpec.Parse(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $$$"""{"lr": 0.1, "schedule": {"type": "ReduceLROnPlateau", "factor": {{{Factor}}}, "patience": {{{Math.Max(patience - 1, 0)}}}, "cooldown": {{{Math.Max(cooldown - 1, 0)}}}, "threshold_mode": "abs", "threshold": {{{minDelta}}}, "min_lr": {{{MinLr}}}}}"""));
        var planner = new TrainingPlanner(new TrainingPlannerOptions { Schedule = spec.Build(), BatchSize = BatchLr.Batching.BatchSizePolicy.Fixed(1) });

        double best = double.PositiveInfinity;
        int wait = 0;
        int counter = 0;
        double lr = 0.1;
        var random = new Random(11);
        for (int epoch = 0; epoch < 300; epoch++)
        {
            double current = Math.Round(1.0 - (epoch * 0.002) + (random.NextDouble() * 0.05), 3);
            if (counter > 0)
            {
                counter--;
                wait = 0;
            }

            if (current < best - minDelta)
            {
                best = current;
                wait = 0;
            }
            else if (counter == 0)
            {
                wait++;
                if (wait >= patience && lr > MinLr)
                {
                    lr = Math.Max(lr * Factor, MinLr);
                    counter = cooldown;
                    wait = 0;
                }
            }

            planner.Report(current);
            Approx.Equal(lr, planner.Plan().GetLearningRate(0), 1e-12, "after epoch " + epoch);
        }

        lr.Should().Be(MinLr, "the run is long enough to reach min_lr");
    }

    [Theory]
    [InlineData(1, 0, 1e-4, 0.0)]
    [InlineData(2, 1, 1e-4, 0.0)]
    [InlineData(3, 2, 0.0, 0.01)]
    [InlineData(4, 0, 0.0, 0.002)]
    public void Optax_ReduceOnPlateau_IsOnPlateauWithPatienceLessOne(int patience, int cooldown, double rtol, double atol)
    {
        // optax/contrib/_reduce_on_plateau.py, _update_scale with accumulation_size 1: improved when value < (1 - rtol) · best - atol;
        // in cooldown the plateau count is zeroed and the cooldown counted down; otherwise at plateau_count == patience the
        // scale becomes max(scale · factor, min_scale) and cooldown starts. PyTorch's num_bad_epochs > patience makes optax's
        // patience p PyTorch's p - 1; cooldown is the same; one of rtol (rel) and atol (abs) is the threshold.
        const double Factor = 0.5;
        const double MinScale = 0.05;
        string mode = atol == 0 ? "rel" : "abs";
        double threshold = atol == 0 ? rtol : atol;
        ScheduleSpec spec = ScheduleSpec.Parse(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $$$"""{"lr": 0.2, "schedule": {"type": "constant"}, "on_plateau": {"factor": {{{Factor}}}, "patience": {{{patience - 1}}}, "cooldown": {{{cooldown}}}, "threshold_mode": "{{{mode}}}", "threshold": {{{threshold}}}, "min_factor": {{{MinScale}}}}}"""));
        var planner = new TrainingPlanner(new TrainingPlannerOptions { Schedule = spec.Build(), BatchSize = BatchLr.Batching.BatchSizePolicy.Fixed(1) });

        double best = double.PositiveInfinity;
        int plateau = 0;
        int cooldownCount = 0;
        double scale = 1.0;
        var random = new Random(5);
        for (int update = 0; update < 300; update++)
        {
            double value = Math.Round(1.0 - (update * 0.002) + (random.NextDouble() * 0.05), 3);
            bool improved = value < ((1 - rtol) * best) - atol;
            if (improved)
            {
                best = value;
            }

            int current = improved ? 0 : plateau + 1;
            if (cooldownCount > 0)
            {
                plateau = 0;
                cooldownCount--;
            }
            else if (current == patience)
            {
                plateau = 0;
                scale = Math.Max(scale * Factor, MinScale);
                cooldownCount = cooldown;
            }
            else
            {
                plateau = current;
            }

            planner.Report(value);
            Approx.Equal(0.2 * scale, planner.Plan().GetLearningRate(0), 1e-12, "after update " + update);
        }

        scale.Should().Be(MinScale, "the run is long enough to reach min_scale");
    }

    private static LearningRateSchedule Build(string json) => ScheduleSpec.Parse(json).Build().LearningRates![0];
}
