namespace BatchLr.Feedback;

/// <summary>
/// Detects that a metric has stopped improving, with the semantics of PyTorch's ReduceLROnPlateau: a report is
/// better when beyond the best by the threshold; bad reports are counted, held at zero during a cooldown, and
/// when the count exceeds the patience a plateau is signalled, the count resets and a cooldown starts.
/// Under <see cref="PlateauMonitor.TrainingLoss"/> training losses are averaged over windows, each full window one report.
/// </summary>
internal sealed class PlateauDetector(PlateauMode mode, int patience, double threshold, ThresholdMode thresholdMode, int cooldown, PlateauMonitor monitor, int lossWindow)
{
    public PlateauMonitor Monitor => monitor;

    public double? Best { get; set; }

    public int BadReports { get; set; }

    public int CooldownLeft { get; set; }

    public long Reports { get; set; }

    /// <summary>Gets or sets the sum of the training losses of the window being filled.</summary>
    public double LossSum { get; set; }

    /// <summary>Gets or sets the number of training losses in the window being filled.</summary>
    public int LossCount { get; set; }

    /// <summary>Records a finite metric; returns <see langword="true"/> when it completes a plateau.</summary>
    public bool Observe(double metric)
    {
        Reports++;
        if (IsBetter(metric))
        {
            Best = metric;
            BadReports = 0;
        }
        else
        {
            BadReports++;
        }

        if (CooldownLeft > 0)
        {
            CooldownLeft--;
            BadReports = 0;
        }

        if (BadReports <= patience)
        {
            return false;
        }

        CooldownLeft = cooldown;
        BadReports = 0;
        return true;
    }

    /// <summary>Adds a finite training loss to the window when the loss is watched; a full window reports its mean. Returns <see langword="true"/> when that report completes a plateau.</summary>
    public bool ObserveLoss(double loss)
    {
        if (monitor != PlateauMonitor.TrainingLoss)
        {
            return false;
        }

        LossSum += loss;
        LossCount++;
        if (LossCount < lossWindow)
        {
            return false;
        }

        double mean = LossSum / LossCount;
        LossSum = 0;
        LossCount = 0;
        return Observe(mean);
    }

    /// <summary>Copies every counter of <paramref name="other"/>.</summary>
    public void CopyFrom(PlateauDetector other) => Load(other.Best, other.BadReports, other.CooldownLeft, other.Reports, other.LossSum, other.LossCount);

    /// <summary>Sets every counter, as from a saved state already checked.</summary>
    public void Load(double? best, int badReports, int cooldownLeft, long reports, double lossSum, int lossCount)
    {
        Best = best;
        BadReports = badReports;
        CooldownLeft = cooldownLeft;
        Reports = reports;
        LossSum = lossSum;
        LossCount = lossCount;
    }

    private bool IsBetter(double metric)
    {
        // No best yet is PyTorch's mode_worse, +∞ in min mode and -∞ in max mode, put through the same rule: so in min mode
        // with a relative threshold of 1 or more no report ever improves (∞ · 0 is NaN, ∞ · negative is -∞), as in PyTorch.
        double best = Best ?? (mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity);
        return (mode, thresholdMode) switch
        {
            (PlateauMode.Min, ThresholdMode.Relative) => metric < best * (1.0 - threshold),
            (PlateauMode.Min, ThresholdMode.Absolute) => metric < best - threshold,
            (PlateauMode.Max, ThresholdMode.Relative) => metric > best * (1.0 + threshold),
            _ => metric > best + threshold,
        };
    }
}
