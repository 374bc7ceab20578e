using System;

namespace BatchLr.TorchSharp;

/// <summary>The suggestion rules of Lightning's and fastai's learning-rate finders, on a curve of learning rates and smoothed losses.</summary>
/// <remarks>Each rule returns the index of the curve point it picks, or <see langword="null"/> when its window holds too few points.</remarks>
internal static class LearningRateSuggestions
{
    /// <summary>The points Lightning's <c>suggestion</c> skips at the start of the curve (its <c>skip_begin</c>).</summary>
    public const int SteepestSkipBegin = 10;

    /// <summary>The points Lightning's <c>suggestion</c> skips at the end of the curve (its <c>skip_end</c>).</summary>
    public const int SteepestSkipEnd = 1;

    /// <summary>The points fastai's <c>lr_find</c> drops at the end of the curve before its suggestions (<c>[num_it // 10 : -5]</c>).</summary>
    public const int FastaiSkipEnd = 5;

    /// <summary>Lightning's <c>suggestion</c>: the point where the loss falls fastest against the learning rate.</summary>
    /// <remarks>
    /// Over the points from index 10 up to, not including, the last, with finite losses: the gradient <c>dL/dlr</c> with
    /// respect to the learning rate itself (not its logarithm), as <c>torch.gradient(losses, spacing=[lrs])</c> computes it,
    /// second-order central differences on the uneven spacing inside and one-sided differences at the two ends; the first
    /// point of the most negative gradient. Needs at least two points.
    /// </remarks>
    public static int? Steepest(ReadOnlySpan<double> learningRates, ReadOnlySpan<double> losses)
    {
        int end = losses.Length - SteepestSkipEnd;
        if (end - SteepestSkipBegin < 2)
        {
            return null;
        }

        Span<int> kept = end - SteepestSkipBegin <= 256 ? stackalloc int[end - SteepestSkipBegin] : new int[end - SteepestSkipBegin];
        int count = 0;
        for (int i = SteepestSkipBegin; i < end; i++)
        {
            if (double.IsFinite(losses[i]))
            {
                kept[count++] = i;
            }
        }

        if (count < 2)
        {
            return null;
        }

        int best = -1;
        double bestGradient = double.PositiveInfinity;
        for (int k = 0; k < count; k++)
        {
            double gradient = GradientAt(learningRates, losses, kept[..count], k);
            if (gradient < bestGradient)
            {
                bestGradient = gradient;
                best = kept[k];
            }
        }

        return best < 0 ? null : best;
    }

    /// <summary>fastai's <c>minimum</c>: the point of the lowest smoothed loss, whose learning rate divided by 10 is the suggestion.</summary>
    /// <remarks>Over fastai's window, <c>[steps / 10, count - 5)</c> cut at the first non-finite loss; the first point of the lowest loss.</remarks>
    public static int? Minimum(ReadOnlySpan<double> losses, int plannedSteps)
    {
        (int start, int end) = FastaiWindow(losses, plannedSteps);
        if (end <= start)
        {
            return null;
        }

        int best = start;
        for (int i = start + 1; i < end; i++)
        {
            if (losses[i] < losses[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>fastai's <c>valley</c>: a point about halfway down the longest valley of the smoothed loss.</summary>
    /// <remarks>
    /// Over fastai's window, with indices <c>j</c> counted from its start: <c>L</c> is the length of the longest strictly
    /// decreasing subsequence, and <c>e</c> the first index where one of that length ends; the pick is
    /// <c>j = e - L + floor(L / 3) + floor(L / 6)</c>, fastai's <c>max_start + int(sections) + int(sections / 2)</c> with
    /// <c>max_start = e - L</c> and <c>sections = L / 3</c>. Where that is -1 (a valley of one or two points that starts at
    /// the window's first point), fastai's Python index wraps to the window's last point; here it is the first.
    /// </remarks>
    public static int? Valley(ReadOnlySpan<double> losses, int plannedSteps)
    {
        (int start, int end) = FastaiWindow(losses, plannedSteps);
        int n = end - start;
        if (n <= 0)
        {
            return null;
        }

        ReadOnlySpan<double> window = losses[start..end];
        Span<int> lengths = n <= 256 ? stackalloc int[n] : new int[n];
        int longestEnd = 0;
        lengths[0] = 1;
        for (int i = 1; i < n; i++)
        {
            lengths[i] = 1;
            for (int j = 0; j < i; j++)
            {
                if (window[i] < window[j] && lengths[j] + 1 > lengths[i])
                {
                    lengths[i] = lengths[j] + 1;
                }
            }

            if (lengths[i] > lengths[longestEnd])
            {
                longestEnd = i;
            }
        }

        int length = lengths[longestEnd];
        int pick = longestEnd - length + (length / 3) + (length / 6);
        return start + Math.Max(pick, 0);
    }

    private static (int Start, int End) FastaiWindow(ReadOnlySpan<double> losses, int plannedSteps)
    {
        int start = plannedSteps / 10;
        int end = losses.Length - FastaiSkipEnd;
        for (int i = start; i < end; i++)
        {
            if (!double.IsFinite(losses[i]))
            {
                end = i;
                break;
            }
        }

        return (start, end);
    }

    // torch.gradient along coordinates x with edge_order=1, at the k-th of the kept points.
    private static double GradientAt(ReadOnlySpan<double> x, ReadOnlySpan<double> f, ReadOnlySpan<int> kept, int k)
    {
        int last = kept.Length - 1;
        if (k == 0)
        {
            return (f[kept[1]] - f[kept[0]]) / (x[kept[1]] - x[kept[0]]);
        }

        if (k == last)
        {
            return (f[kept[last]] - f[kept[last - 1]]) / (x[kept[last]] - x[kept[last - 1]]);
        }

        int previous = kept[k - 1], current = kept[k], next = kept[k + 1];
        double dx1 = x[current] - x[previous];
        double dx2 = x[next] - x[current];
        double a = -dx2 / (dx1 * (dx1 + dx2));
        double b = (dx2 - dx1) / (dx1 * dx2);
        double c = dx1 / (dx2 * (dx1 + dx2));
        return (a * f[previous]) + (b * f[current]) + (c * f[next]);
    }
}
