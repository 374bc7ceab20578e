using System.Collections.Generic;

namespace BatchLr.Configuration;

/// <summary>
/// What constructing the schedulers of a PyTorch composite (<c>SequentialLR</c>, <c>ChainedScheduler</c>) on one optimizer
/// leaves in one parameter group: the base rate each scheduler captures, and the rate a <c>SequentialLR</c>'s first
/// scheduler starts from.
/// </summary>
/// <remarks>
/// PyTorch builds the children first, in order (depth first), each on the same optimizer. A scheduler's base rate is the
/// group's <c>initial_lr</c> when it is constructed, which the first one sets to the group's <c>lr</c>
/// (<c>setdefault</c>); <c>CyclicLR</c> sets the group's <c>lr</c> to its <c>base_lr</c> first, and <c>OneCycleLR</c>
/// overwrites <c>initial_lr</c> with <c>max_lr / div_factor</c>, so the schedulers constructed after it start from there. A
/// <c>SequentialLR</c> resets the group's <c>lr</c> to <c>initial_lr</c> once its children exist, and its first child runs
/// from that rate. Two <c>OneCycleLR</c> on one optimizer overwrite each other's <c>max_lr</c>, <c>initial_lr</c> and
/// <c>min_lr</c> (kept in the parameter group), so a spec with two is refused.
/// </remarks>
internal sealed class TorchConstruction
{
    private readonly Dictionary<SpecNode, double> _bases = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SpecNode, double> _starts = new(ReferenceEqualityComparer.Instance);
    private double? _initial;
    private string? _oneCycle;

    private TorchConstruction()
    {
    }

    /// <summary>Walks a composite in PyTorch's construction order for one group.</summary>
    /// <param name="root">The outermost composite.</param>
    /// <param name="context">The group; its <see cref="BuildContext.BaseRate"/> is the group's <c>lr</c>.</param>
    /// <exception cref="ScheduleSpecException">The composite holds two <c>OneCycleLR</c>.</exception>
    public static TorchConstruction Simulate(SpecNode root, BuildContext context)
    {
        var construction = new TorchConstruction();
        construction.Visit(root, context);
        return construction;
    }

    /// <summary>Returns the base rate (<c>initial_lr</c>) a scheduler captured when it was constructed, or <see langword="null"/> for a composite.</summary>
    public double? BaseOf(SpecNode node) => _bases.TryGetValue(node, out double value) ? value : null;

    /// <summary>Returns the rate the first child of a <c>SequentialLR</c> starts from: the group's <c>initial_lr</c> once every child exists.</summary>
    public double StartOf(SpecNode sequence) => _starts[sequence];

    private void Visit(SpecNode node, BuildContext context)
    {
        switch (node.Type)
        {
            case "SequentialLR":
            case "ChainedScheduler":
                foreach (SpecNode child in node.Children("schedulers"))
                {
                    Visit(child, context);
                }

                _starts[node] = _initial ?? context.BaseRate;
                return;
            case "OneCycleLR":
                if (_oneCycle is not null)
                {
                    throw SpecErrors.Invalid(
                        node.Path,
                        "a second OneCycleLR (the first is " + _oneCycle + ")",
                        "the only OneCycleLR of the spec, since PyTorch keeps a OneCycleLR's max_lr, initial_lr and min_lr in the optimizer's parameter groups, where the OneCycleLR constructed last overwrites the others'");
                }

                _oneCycle = node.Path;
                _initial = node.PerGroup("max_lr", context.Group) / node.Number("div_factor");
                _bases[node] = _initial.Value;
                return;
            case "CyclicLR":
                _initial ??= node.PerGroup("base_lr", context.Group); // it sets the group's lr to base_lr before initial_lr is set
                _bases[node] = _initial.Value;
                return;
            default:
                _initial ??= context.BaseRate;
                _bases[node] = _initial.Value;
                return;
        }
    }
}
