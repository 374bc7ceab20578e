namespace BatchLr.Schedules;

/// <summary>Names the damping policies of a cyclic schedule (PyTorch's CyclicLR <c>mode</c>).</summary>
public enum CyclicMode
{
    /// <summary>Every cycle has the full amplitude.</summary>
    Triangular = 0,

    /// <summary>The amplitude halves every cycle: <c>scale(c) = 1 / 2^(c - 1)</c>.</summary>
    Triangular2 = 1,

    /// <summary>The amplitude decays every step: <c>scale(t) = gamma^t</c>.</summary>
    ExpRange = 2,
}
