using BatchLr.Schedules;

namespace BatchLr.Feedback;

/// <summary>
/// Detects that a metric has stopped improving, with the semantics of PyTorch's ReduceLROnPlateau: a report is
/// better when beyond the best by the threshold; bad reports are counted, held at zero during a cooldown, and
/// when the count exceeds the patience a plateau is signalled, the count resets and a cooldown starts.
/// </summary>
internal sealed class PlateauDetector(PlateauMode mode, int patience, double threshold, ThresholdMode thresholdMode, int cooldown)
{
    public double? Best { get; set; }

    public int BadReports { get; set; }

    public int CooldownLeft { get; set; }

    public long Reports { get; set; }

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

    private bool IsBetter(double metric)
    {
        if (Best is not { } best)
        {
            return true;
        }

        return (mode, thresholdMode) switch
        {
            (PlateauMode.Min, ThresholdMode.Relative) => metric < best * (1.0 - threshold),
            (PlateauMode.Min, ThresholdMode.Absolute) => metric < best - threshold,
            (PlateauMode.Max, ThresholdMode.Relative) => metric > best * (1.0 + threshold),
            _ => metric > best + threshold,
        };
    }
}
