using System;
using System.Collections.Generic;
using BatchLr.Schedules;
using BatchLr.Schedules.Composition;
using BatchLr.Schedules.Families;

namespace BatchLr.Configuration;

/// <content>
/// PyTorch's composites, SequentialLR and ChainedScheduler, as PyTorch runs them: their schedulers share one optimizer, so
/// the base each one starts from, and the rate and momentum each leaves to the next, follow from PyTorch's construction and
/// stepping (see <see cref="TorchConstruction"/> and <see cref="ChainedSchedule"/>).
/// </content>
internal static partial class SpecCatalog
{
    /// <summary>The context of a composite's schedulers: the outermost composite walks PyTorch's construction once per group.</summary>
    private static BuildContext Composite(SpecNode node, BuildContext c) =>
        c.Torch is null ? c with { Torch = TorchConstruction.Simulate(node, c) } : c;

    /// <summary>The context of a scheduler inside a composite: the base rate it captured when PyTorch constructed it.</summary>
    private static BuildContext Captured(SpecNode child, BuildContext c) =>
        c.Torch?.BaseOf(child) is { } captured ? c with { BaseRate = captured } : c;

    private static bool IsTorchFactor(string type) =>
        type is "StepLR" or "MultiStepLR" or "ConstantLR" or "LinearLR" or "ExponentialLR" or "PolynomialLR";

    private static bool SetsRate(string type) => type is "CosineAnnealingWarmRestarts" or "CyclicLR" or "OneCycleLR";

    /// <summary>
    /// Builds PyTorch's CosineAnnealingLR as its recursion runs: from <paramref name="start"/>,
    /// <c>η + (start - η) · (1 + cos(π t / T)) / 2</c>, on past <c>T_max</c>; the step after the first trough adds from its
    /// captured <paramref name="base"/>, so from then on the cosine rises to <paramref name="base"/>. Standalone both are the
    /// group's <c>lr</c>; they differ only for the first scheduler of a SequentialLR after which a OneCycleLR is constructed.
    /// </summary>
    private static LearningRateSchedule CosineAnnealing(SpecNode node, BuildContext c, double start, double @base)
    {
        double period = node.Number("T_max");
        double minimum = node.Number("eta_min");
        LearningRateSchedule wave = SpecErrors.Call(node, c, () => CosineWave(start, minimum, period), ("initial", "@lr"), ("minimum", "eta_min"), ("halfPeriod", "T_max"));
        return start == @base || period != Math.Floor(period)
            ? wave
            : Schedule.Sequence([wave, SpecErrors.Call(node, c, () => CosineWave(@base, minimum, period), ("initial", "@lr"))], [period + 1], restartClocks: false);
    }

    private static CosineWaveSchedule CosineWave(double initial, double minimum, double halfPeriod)
    {
        Internal.Guard.FiniteNotNegative(initial);
        Internal.Guard.FiniteNotNegative(minimum);
        Internal.Guard.Positive(halfPeriod);
        return new CosineWaveSchedule(initial, minimum, halfPeriod);
    }

    private static LearningRateSchedule Sequential(SpecNode node, BuildContext c)
    {
        SpecNode[] children = node.Children("schedulers");
        var built = new LearningRateSchedule[children.Length];
        for (int i = 0; i < built.Length; i++)
        {
            built[i] = i == 0 ? FirstOfSequence(node, children[0], c) : BuildChild(children[i], Captured(children[i], c));
        }

        return SpecErrors.Call(
            node,
            c,
            () => Schedule.Sequence(built, node.Numbers("milestones"), restartClocks: true),
            ("schedules", "schedulers"),
            ("milestones", "milestones"));
    }

    /// <summary>
    /// Builds the first scheduler of a SequentialLR, which PyTorch steps from the rate SequentialLR resets the group to (its
    /// <c>initial_lr</c> once every scheduler exists); the others start at their milestone from their closed form at 0.
    /// </summary>
    private static LearningRateSchedule FirstOfSequence(SpecNode sequence, SpecNode first, BuildContext c)
    {
        double start = c.Torch!.StartOf(sequence);
        if (first.Type == "CosineAnnealingLR")
        {
            return CosineAnnealing(first, c, start, c.Torch.BaseOf(first)!.Value);
        }

        return BuildChild(first, SetsRate(first.Type) ? Captured(first, c) : c with { BaseRate = start });
    }

    private static ChainedSchedule Chained(SpecNode node, BuildContext c)
    {
        List<SpecNode> chain = Flatten(node);
        var links = new ChainLink[chain.Count];
        for (int i = 0; i < links.Length; i++)
        {
            SpecNode child = chain[i];
            BuildContext own = Captured(child, c);
            if (child.Type == "CosineAnnealingLR")
            {
                links[i] = new ChainLink(ChainLinkKind.Cosine, null, own.BaseRate, child.Number("eta_min"), child.Number("T_max"));
            }
            else if (SetsRate(child.Type))
            {
                // PyTorch's CyclicLR computes its construction step from base_lrs = initial_lr, which it replaces by its
                // base_lr only afterwards: after an earlier scheduler set initial_lr, its first rate is that initial_lr.
                double first = child.Type == "CyclicLR" ? own.BaseRate : double.NaN;
                links[i] = new ChainLink(ChainLinkKind.Overwrite, BuildChild(child, own), first);
            }
            else if (IsTorchFactor(child.Type))
            {
                if (child.Type is "ExponentialLR" or "StepLR" && child.PerGroup("gamma", c.Group) > 1)
                {
                    throw SpecErrors.Invalid(
                        child.Path + ".gamma",
                        child.PerGroup("gamma", c.Group),
                        "at most 1 inside a ChainedScheduler: there a growing factor multiplies the others' without end and the rate overflows to infinity at far positions (at the top level, or in a SequentialLR, it holds the largest double instead)");
                }

                // PyTorch's multiplicative schedulers change the rate by their factor's step ratio: build the factor itself.
                links[i] = new ChainLink(ChainLinkKind.Factor, BuildChild(child, own with { BaseRate = 1.0 }));
            }
            else
            {
                // Not a PyTorch class: BatchLr chains it as the factor schedule / b, so absolute values (eta_min, min_lr) keep their meaning.
                LearningRateSchedule schedule = BuildChild(child, own);
                links[i] = new ChainLink(ChainLinkKind.Factor, own.BaseRate == 0 ? Schedule.Constant(1.0) : schedule.Scale(Inverse(child, schedule, own)));
            }
        }

        if (Array.FindLastIndex(links, l => l.Kind == ChainLinkKind.Overwrite) < 0)
        {
            int cosine = Array.FindIndex(links, l => l.Kind == ChainLinkKind.Cosine);
            int second = cosine < 0 ? -1 : Array.FindIndex(links, cosine + 1, l => l.Kind == ChainLinkKind.Cosine);
            if (second >= 0)
            {
                throw SpecErrors.Invalid(
                    chain[second].Path,
                    "a second CosineAnnealingLR in the chain",
                    "the only CosineAnnealingLR of a ChainedScheduler unless a CosineAnnealingWarmRestarts, CyclicLR or OneCycleLR after them sets the rate: PyTorch runs two cosines through each other's recursion, which has no closed form");
            }

            if (cosine >= 0 && links[cosine].Minimum > 0 && links.Length > 1)
            {
                throw SpecErrors.Invalid(
                    chain[cosine].Path + ".eta_min",
                    links[cosine].Minimum,
                    "0 in a ChainedScheduler with other schedulers, unless a CosineAnnealingWarmRestarts, CyclicLR or OneCycleLR after it sets the rate: PyTorch's recursion lr → eta_min + R(t) · (lr - eta_min) then mixes eta_min into every step of the others' factors, which has no closed form; use SequentialLR, or a cosine with eta_min 0 and a clamp");
            }
        }

        return new ChainedSchedule(c.BaseRate, links);
    }

    /// <summary>1 / lr for a BatchLr schedule in a chain, refused where it, or the schedule's largest value times it, overflows.</summary>
    private static double Inverse(SpecNode child, LearningRateSchedule schedule, BuildContext c)
    {
        double inverse = 1.0 / c.BaseRate;
        if (!double.IsFinite(inverse))
        {
            throw SpecErrors.Invalid(c.RatePath, c.BaseRate, "zero, or large enough that 1 / lr is finite, since ChainedScheduler divides a BatchLr schedule in it by lr");
        }

        double peak = schedule.Peak;
        if (double.IsFinite(peak) && !double.IsFinite(peak * inverse))
        {
            throw SpecErrors.Refused(
                child.Path,
                "a schedule that reaches " + Internal.Guard.Format(peak),
                "ChainedScheduler divides each BatchLr schedule in it by lr, " + Internal.Guard.Format(c.BaseRate) + ", and that ratio overflows to infinity: lower the schedule's values or raise lr");
        }

        return inverse;
    }

    /// <summary>The schedulers of a chain in stepping order, nested ChainedSchedulers spliced in (PyTorch steps them in the same order).</summary>
    private static List<SpecNode> Flatten(SpecNode chain)
    {
        var into = new List<SpecNode>();
        Flatten(chain, into);
        return into;

        static void Flatten(SpecNode chain, List<SpecNode> into)
        {
            foreach (SpecNode child in chain.Children("schedulers"))
            {
                if (child.Type == "ChainedScheduler")
                {
                    Flatten(child, into);
                }
                else if (child.Type == "SequentialLR")
                {
                    throw SpecErrors.Invalid(
                        child.Path,
                        "a SequentialLR inside a ChainedScheduler",
                        "at the top level or inside another SequentialLR: at each milestone PyTorch's SequentialLR sets the rate from its next scheduler's closed form, which drops what the chain's other schedulers did before it, and BatchLr does not reproduce that");
                }
                else
                {
                    into.Add(child);
                }
            }
        }
    }

    private static LearningRateSchedule? ChildMomentum(SpecNode child, BuildContext c) => Lookup(child.Type).Momentum?.Invoke(child, c);

    /// <summary>
    /// The momentum of a SequentialLR: the active scheduler's where it drives momentum (CyclicLR, OneCycleLR with
    /// <c>cycle_momentum</c>); elsewhere what the optimizer holds, the value the last one that drove it set at its last step,
    /// or before any ran, the value the last one constructed set at its construction (step 0).
    /// </summary>
    private static LearningRateSchedule? SequentialMomentum(SpecNode node, BuildContext c)
    {
        SpecNode[] children = node.Children("schedulers");
        var momenta = new LearningRateSchedule?[children.Length];
        double? held = null;
        for (int i = 0; i < children.Length; i++)
        {
            momenta[i] = ChildMomentum(children[i], Captured(children[i], c));
            if (momenta[i] is { } m)
            {
                held = m.EvaluateCore(0);
            }
        }

        if (held is null)
        {
            return null;
        }

        double[] milestones = node.Numbers("milestones");
        var pieces = new LearningRateSchedule[children.Length];
        for (int i = 0; i < children.Length; i++)
        {
            if (momenta[i] is { } m)
            {
                pieces[i] = m;
                if (i < milestones.Length)
                {
                    double start = i == 0 ? 0 : milestones[i - 1];
                    held = m.EvaluateCore(Math.Max(0, Math.Ceiling(milestones[i]) - 1 - start)); // its last step before the next milestone
                }
            }
            else
            {
                pieces[i] = Schedule.Constant(held.Value);
            }
        }

        return SpecErrors.Call(node, c, () => Schedule.Sequence(pieces, milestones, restartClocks: true), ("schedules", "schedulers"), ("milestones", "milestones"));
    }

    /// <summary>The momentum of a ChainedScheduler: every scheduler steps at every step, so the last one that drives momentum sets it.</summary>
    private static LearningRateSchedule? ChainedMomentum(SpecNode node, BuildContext c)
    {
        List<SpecNode> chain = Flatten(node);
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            if (ChildMomentum(chain[i], Captured(chain[i], c)) is { } momentum)
            {
                return momentum;
            }
        }

        return null;
    }
}
