using BatchLr.Internal;

namespace BatchLr.Feedback;

/// <summary>Holds the rules that decide when a watched metric has stopped improving; the options of every plateau reaction derive from it.</summary>
/// <remarks>
/// <para>
/// A report is better than the best so far when, in <see cref="PlateauMode.Min"/> mode, it is below
/// <c>best · (1 - threshold)</c> (<see cref="ThresholdMode.Relative"/>) or <c>best - threshold</c>
/// (<see cref="ThresholdMode.Absolute"/>); <see cref="PlateauMode.Max"/> mirrors this. A better report resets the count of
/// bad reports, any other adds one; during a cooldown the count is held at zero. When the count exceeds
/// <see cref="Patience"/> the reaction fires, the count resets and a cooldown of <see cref="Cooldown"/> reports starts.
/// These are the rules of PyTorch's ReduceLROnPlateau, with its names and defaults.
/// </para>
/// <para>
/// <see cref="Monitor"/> picks what is watched: metrics reported with <see cref="TrainingPlanner.Report(double)"/>, or the
/// training loss of each step, averaged over windows of <see cref="LossWindow"/> steps.
/// </para>
/// </remarks>
public abstract class PlateauOptions
{
    /// <summary>Initializes a new instance of the <see cref="PlateauOptions"/> class; the plateau reactions of BatchLr derive from it.</summary>
    private protected PlateauOptions()
    {
    }

    /// <summary>Gets or sets whether the metric improves by falling or by rising.</summary>
    /// <value>The default is <see cref="PlateauMode.Min"/>.</value>
    public PlateauMode Mode { get; set; } = PlateauMode.Min;

    /// <summary>Gets or sets the number of reports without improvement that are tolerated; the next one fires the reaction.</summary>
    /// <value>Zero or more. The default is 10.</value>
    public int Patience { get; set; } = 10;

    /// <summary>Gets or sets the least change that counts as an improvement.</summary>
    /// <value>A finite number zero or more. The default is 1e-4.</value>
    public double Threshold { get; set; } = 1e-4;

    /// <summary>Gets or sets how <see cref="Threshold"/> is measured.</summary>
    /// <value>The default is <see cref="ThresholdMode.Relative"/>.</value>
    public ThresholdMode ThresholdMode { get; set; } = ThresholdMode.Relative;

    /// <summary>Gets or sets the number of reports after a reaction during which bad reports are not counted.</summary>
    /// <value>Zero or more. The default is 0.</value>
    public int Cooldown { get; set; }

    /// <summary>Gets or sets the metric that is watched.</summary>
    /// <value>The default is <see cref="PlateauMonitor.ReportedMetric"/>.</value>
    public PlateauMonitor Monitor { get; set; } = PlateauMonitor.ReportedMetric;

    /// <summary>Gets or sets the number of steps whose training losses are averaged into one report when <see cref="Monitor"/> is <see cref="PlateauMonitor.TrainingLoss"/>.</summary>
    /// <value>1 or more. The default is 100.</value>
    public int LossWindow { get; set; } = 100;

    /// <summary>Adds every broken rule of the shared fields to <paramref name="check"/>.</summary>
    internal void Validate(OptionsValidation check)
    {
        check.Defined(Mode, nameof(Mode));
        check.Require(Patience >= 0, nameof(Patience), Patience, "zero or more");
        check.FiniteNotNegative(Threshold, nameof(Threshold));
        check.Defined(ThresholdMode, nameof(ThresholdMode));
        check.Require(Cooldown >= 0, nameof(Cooldown), Cooldown, "zero or more");
        check.Defined(Monitor, nameof(Monitor));
        check.Require(LossWindow >= 1, nameof(LossWindow), LossWindow, "1 or more");
    }

    /// <summary>Copies the shared fields to <paramref name="target"/>.</summary>
    internal T CopyTo<T>(T target)
        where T : PlateauOptions
    {
        target.Mode = Mode;
        target.Patience = Patience;
        target.Threshold = Threshold;
        target.ThresholdMode = ThresholdMode;
        target.Cooldown = Cooldown;
        target.Monitor = Monitor;
        target.LossWindow = LossWindow;
        return target;
    }

    /// <summary>Creates a detector with these rules and the given saved counters.</summary>
    internal PlateauDetector CreateDetector() => new(Mode, Patience, Threshold, ThresholdMode, Cooldown, Monitor, LossWindow);
}
