using System;
using System.Collections.Generic;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Schedules;

namespace BatchLr.Configuration;

/// <content>Plateau reactions: PyTorch's ReduceLROnPlateau type, and the <c>on_plateau</c> sections on top of a schedule or a batch policy.</content>
internal static partial class SpecCatalog
{
    /// <summary>The key of a plateau reaction inside the spec and inside its batch section.</summary>
    public const string PlateauKey = "on_plateau";

    /// <summary>Gets the parameters of the top-level <c>on_plateau</c> section, the factor on top of the learning-rate schedule.</summary>
    public static SpecParameter[] RatePlateauParameters { get; } =
    [
        .. DetectorParameters(),
        SpecParameter.Number("factor", 0.1).Within(new SpecRange(0, true, 1, true)),
        SpecParameter.PerGroup("min_factor", 0.0).Within(SpecRange.NotNegative),
        SpecParameter.Number("eps", 1e-8).Within(SpecRange.NotNegative),
        .. MonitorParameters(),
    ];

    /// <summary>Gets the parameters of the batch section's <c>on_plateau</c>, the factor on top of the batch-size policy.</summary>
    public static SpecParameter[] BatchPlateauParameters { get; } =
    [
        .. DetectorParameters(),
        SpecParameter.Number("factor", 2.0).Within(SpecRange.Positive),
        .. MonitorParameters(),
    ];

    /// <summary>Builds the schedule of a top-level ReduceLROnPlateau (or Hugging Face <c>reduce_lr_on_plateau</c>): constant rates, reduced in place.</summary>
    public static OptimizerSchedule BuildConstantWithPlateau(SpecNode node, double[] rates)
    {
        ReduceOnPlateauOptions options = RateOptions(node, "min_lr");
        return SpecErrors.Call(node, new BuildContext(rates[0], 0, "$.lr"), () => OptimizerSchedule.ConstantWithPlateau(options, rates), RateMap("min_lr"));
    }

    /// <summary>Puts the top-level <c>on_plateau</c> section on a closed-form schedule.</summary>
    public static OptimizerSchedule BuildWithPlateau(OptimizerSchedule schedule, SpecNode node)
    {
        ReduceOnPlateauOptions options = RateOptions(node, "min_factor");
        return SpecErrors.Call(node, new BuildContext(1.0, 0, "$.lr"), () => schedule.WithPlateau(options), RateMap("min_factor"));
    }

    /// <summary>Puts the batch section's <c>on_plateau</c> on a built policy.</summary>
    public static IBatchSizePolicy BuildBatchPlateau(IBatchSizePolicy policy, SpecNode node, string batchType)
    {
        if (policy is IAdaptiveBatchSizePolicy)
        {
            throw SpecErrors.Invalid(node.Path, "given on an adaptive policy, " + SpecReader.Quote(batchType), "given only on a closed-form policy (fixed, steps, linear_ramp, token_ramp, geometric, cyclic, decay_equivalent), since an adaptive policy already decides from feedback");
        }

        var options = Detector(node, new PlateauBatchSizeOptions { Factor = node.Number("factor") });
        return SpecErrors.Call(
            node,
            new BuildContext(1.0, 0, "$.lr"),
            () => BatchSizePolicy.OnPlateau(policy, options),
            [.. DetectorMap(), ("Factor", "factor")]);
    }

    private static SpecParameter[] DetectorParameters() =>
    [
        SpecParameter.Choice("mode", "min", "min", "max"),
        SpecParameter.Integer("patience", 10).Within(SpecRange.NotNegative),
        SpecParameter.Number("threshold", 1e-4).Within(SpecRange.NotNegative),
        SpecParameter.Choice("threshold_mode", "rel", "rel", "abs"),
        SpecParameter.Integer("cooldown", 0).Within(SpecRange.NotNegative),
    ];

    private static SpecParameter[] MonitorParameters() =>
    [
        SpecParameter.Choice("monitor", "metric", "metric", "loss"),
        SpecParameter.Integer("loss_window", 100).Within(SpecRange.AtLeast(1)),
    ];

    /// <summary>The parameters of PyTorch's ReduceLROnPlateau, in its order, then BatchLr's monitor.</summary>
    private static SpecParameter[] PlateauParameters() =>
    [
        SpecParameter.Choice("mode", "min", "min", "max"),
        SpecParameter.Number("factor", 0.1).Within(new SpecRange(0, true, 1, true)),
        SpecParameter.Integer("patience", 10).Within(SpecRange.NotNegative),
        SpecParameter.Number("threshold", 1e-4).Within(SpecRange.NotNegative),
        SpecParameter.Choice("threshold_mode", "rel", "rel", "abs"),
        SpecParameter.Integer("cooldown", 0).Within(SpecRange.NotNegative),
        SpecParameter.PerGroup("min_lr", 0.0).Within(SpecRange.NotNegative),
        SpecParameter.Number("eps", 1e-8).Within(SpecRange.NotNegative),
        .. MonitorParameters(),
    ];

    private static ReduceOnPlateauOptions RateOptions(SpecNode node, string minimumName)
    {
        // Checked here, since the options hold even one number as a list, and their error would name an index the JSON lacks.
        if (node.Get(minimumName) is double[] perGroup)
        {
            for (int i = 0; i < perGroup.Length; i++)
            {
                if (!(perGroup[i] >= 0) || double.IsPositiveInfinity(perGroup[i]))
                {
                    throw SpecErrors.Invalid(SpecReader.Index(node.Path + "." + minimumName, i), perGroup[i], "a finite number zero or more");
                }
            }
        }
        else if (node.Number(minimumName) is var minimum && !(minimum >= 0))
        {
            throw SpecErrors.Invalid(node.Path + "." + minimumName, minimum, "a finite number zero or more");
        }

        return Detector(node, new ReduceOnPlateauOptions
        {
            Factor = node.Number("factor"),
            MinLearningRates = node.Get(minimumName) is double[] minimums ? minimums : [node.Number(minimumName)],
            Eps = node.Number("eps"),
        });
    }

    private static T Detector<T>(SpecNode node, T options)
        where T : PlateauOptions
    {
        options.Mode = node.Text("mode") == "max" ? PlateauMode.Max : PlateauMode.Min;
        options.Patience = (int)node.Number("patience");
        options.Threshold = node.Number("threshold");
        options.ThresholdMode = node.Text("threshold_mode") == "abs" ? ThresholdMode.Absolute : ThresholdMode.Relative;
        options.Cooldown = (int)node.Number("cooldown");
        options.Monitor = node.Text("monitor") == "loss" ? PlateauMonitor.TrainingLoss : PlateauMonitor.ReportedMetric;
        options.LossWindow = (int)node.Number("loss_window");
        return options;
    }

    private static (string Argument, string Field)[] DetectorMap() =>
    [
        ("Patience", "patience"),
        ("Threshold", "threshold"),
        ("Cooldown", "cooldown"),
        ("LossWindow", "loss_window"),
    ];

    private static (string Argument, string Field)[] RateMap(string minimumName) =>
        [.. DetectorMap(), ("Factor", "factor"), ("MinLearningRates", minimumName), ("Eps", "eps"), ("learningRates", "@lr")];
}
