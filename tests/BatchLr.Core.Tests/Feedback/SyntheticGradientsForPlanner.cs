using System.Linq;

namespace BatchLr.Core.Tests.Feedback;

/// <summary>Gradient norms with B_simple = 400 for planner tests: small batch 8, large batch 64.</summary>
internal sealed class SyntheticGradientsForPlanner(int seed)
{
    private readonly SyntheticGradients _inner = new(Enumerable.Repeat(0.05, 16).ToArray(), Enumerable.Repeat(1.0, 16).ToArray(), seed);

    public (double Small, double Large) Draw() => _inner.Draw(8, 64);
}
