namespace BatchLr.TorchSharp.Tests.Finders;

/// <summary>Loss curves built so each suggestion rule's pick can be worked out by hand.</summary>
internal static class SuggestionCurves
{
    /// <summary>
    /// 100 points: 10 for i &lt; 20; from 20 to 60 each point 0.1 below the last, except 1.0 below at 41 and 0.3 below at 42;
    /// then rising by 0.5 a point. Lowest at 60; steepest fall (over two points) at 41; longest strictly decreasing
    /// subsequence from the plateau's last point through 60.
    /// </summary>
    public static double[] Designed()
    {
        var curve = new double[100];
        for (int i = 0; i < curve.Length; i++)
        {
            curve[i] = i switch
            {
                < 20 => 10,
                <= 60 => curve[i - 1] - (i == 41 ? 1.0 : i == 42 ? 0.3 : 0.1),
                _ => curve[i - 1] + 0.5,
            };
        }

        return curve;
    }
}
