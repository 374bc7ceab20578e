namespace BatchLr.Schedules;

/// <summary>Names the curve an annealing segment follows between its start and end values.</summary>
/// <remarks>
/// With progress <c>p = min(t / duration, 1)</c>, a segment from <c>a</c> to <c>b</c> takes the value
/// <c>b + (a - b) · d(p)</c>, where <c>d</c> falls from 1 to 0 as given for each member.
/// A warmup of the same shape is the segment run backwards in time, so a 1-sqrt warmup rises as
/// <c>1 - sqrt(1 - p)</c>, as Hugging Face's warmup-stable-decay schedule does.
/// </remarks>
public enum AnnealShape
{
    /// <summary><c>d(p) = 1 - p</c>: a straight line.</summary>
    Linear = 0,

    /// <summary><c>d(p) = (1 + cos(π p)) / 2</c>: half a cosine wave (Loshchilov and Hutter, 2017).</summary>
    Cosine = 1,

    /// <summary><c>d(p) = 1 - sqrt(p)</c>: the 1-sqrt cooldown of Hägele et al. (2024).</summary>
    OneMinusSqrt = 2,

    /// <summary>Geometric interpolation, <c>a · (b / a)^p</c>; both ends must be greater than zero.</summary>
    Exponential = 3,
}
