using System;
using System.Collections.Generic;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp;

/// <summary>Reads an optimizer's parameter groups as an indexable list without copying them on every step.</summary>
internal static class ParamGroups
{
    /// <summary>Returns the parameter groups of an optimizer, in its group order.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <returns>
    /// The optimizer's own list where it keeps one (every TorchSharp optimizer built on <c>OptimizerHelper</c> does,
    /// so no copy is made), otherwise a copy.
    /// </returns>
    public static IReadOnlyList<ILearningRateController> Of(Optimizer optimizer) => optimizer.ParamGroups switch
    {
        IReadOnlyList<ILearningRateController> list => list,
        null => throw new InvalidOperationException("The optimizer exposes no parameter groups."),
        IEnumerable<ILearningRateController> other => [.. other],
    };
}
