using System;
using System.Collections.Generic;
using BatchLr.Schedules;

namespace BatchLr.Configuration;

/// <summary>Describes one spec type: its parameters and how it becomes a schedule.</summary>
/// <param name="Name">The type name, as written in <c>"type"</c>.</param>
/// <param name="Parameters">The parameters, in canonical order.</param>
/// <param name="Build">Builds the learning-rate schedule of one parameter group; <see langword="null"/> for a reactive type.</param>
internal sealed record SpecType(
    string Name,
    IReadOnlyList<SpecParameter> Parameters,
    Func<SpecNode, BuildContext, LearningRateSchedule>? Build)
{
    /// <summary>Gets the momentum builder of a type that can drive momentum; it returns <see langword="null"/> when the node does not.</summary>
    public Func<SpecNode, BuildContext, LearningRateSchedule?>? Momentum { get; init; }

    /// <summary>Gets a check of rules that join several parameters, run when the node is read.</summary>
    public Action<SpecNode>? Check { get; init; }

    /// <summary>Gets a step that fills in defaults that depend on other parameters.</summary>
    public Func<SpecNode, SpecNode>? Normalize { get; init; }

    /// <summary>Gets a value indicating whether the type reacts to metrics, so it can only be the top-level schedule.</summary>
    public bool Reactive => Build is null;

    public SpecParameter? Find(string name)
    {
        foreach (SpecParameter parameter in Parameters)
        {
            if (parameter.Name == name)
            {
                return parameter;
            }
        }

        return null;
    }
}
