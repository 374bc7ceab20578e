using System;
using System.Collections.Generic;

namespace BatchLr.Core.Tests.TestSupport;

/// <summary>
/// PyTorch 1.13's <c>torch/optim/lr_scheduler.py</c> for one parameter group, transcribed step for step: each scheduler's
/// constructor (its <c>initial_lr</c> <c>setdefault</c> and its initial <c>step()</c>) and its recursive <c>get_lr</c>, acting
/// on a shared group as PyTorch's schedulers act on <c>optimizer.param_groups</c>. The expected values of the fidelity tests
/// come from here, not from BatchLr.
/// </summary>
internal static class TorchReference
{
    /// <summary>The parameter group: <c>lr</c>, <c>initial_lr</c> (unset until the first scheduler sets it) and <c>momentum</c>.</summary>
    public sealed class Group(double lr)
    {
        public double Lr { get; set; } = lr;

        public double? InitialLr { get; set; }

        public double Momentum { get; set; } = 0.9;
    }

    /// <summary>A scheduler: <see cref="Step"/> is <c>scheduler.step()</c>; the constructor runs PyTorch's initial step.</summary>
    public abstract class Scheduler
    {
        protected Scheduler(Group group, bool initialStep = true)
        {
            Group = group;
            group.InitialLr ??= group.Lr; // group.setdefault('initial_lr', group['lr'])
            BaseLr = group.InitialLr.Value;
            LastEpoch = -1;
            if (initialStep)
            {
                Step();
            }
        }

        public Group Group { get; }

        public double BaseLr { get; protected set; }

        public int LastEpoch { get; protected set; }

        public virtual void Step()
        {
            LastEpoch++;
            Group.Lr = GetLr();
        }

        protected abstract double GetLr();
    }

    /// <summary><c>StepLR.get_lr</c>: <c>lr · gamma</c> when <c>last_epoch % step_size == 0</c> (not at 0), else <c>lr</c>.</summary>
    public sealed class StepLR(Group group, int stepSize, double gamma) : Scheduler(group)
    {
        protected override double GetLr() => LastEpoch == 0 || LastEpoch % stepSize != 0 ? Group.Lr : Group.Lr * gamma;
    }

    /// <summary><c>ExponentialLR.get_lr</c>: <c>lr</c> at 0, then <c>lr · gamma</c>.</summary>
    public sealed class ExponentialLR(Group group, double gamma) : Scheduler(group)
    {
        protected override double GetLr() => LastEpoch == 0 ? Group.Lr : Group.Lr * gamma;
    }

    /// <summary><c>ConstantLR.get_lr</c>: <c>lr · factor</c> at 0, <c>lr / factor</c> at <c>total_iters</c>, else <c>lr</c>.</summary>
    public sealed class ConstantLR(Group group, double factor, int totalIters) : Scheduler(group)
    {
        protected override double GetLr() =>
            LastEpoch == 0 ? Group.Lr * factor : LastEpoch != totalIters ? Group.Lr : Group.Lr * (1.0 / factor);
    }

    /// <summary><c>LinearLR.get_lr</c>: <c>lr · start</c> at 0, then <c>lr · (1 + (end - start) / (T · start + (t - 1)(end - start)))</c> up to <c>T</c>.</summary>
    public sealed class LinearLR(Group group, double start, double end, int totalIters) : Scheduler(group)
    {
        protected override double GetLr()
        {
            if (LastEpoch == 0)
            {
                return Group.Lr * start;
            }

            if (LastEpoch > totalIters)
            {
                return Group.Lr;
            }

            return Group.Lr * (1.0 + ((end - start) / ((totalIters * start) + ((LastEpoch - 1) * (end - start)))));
        }
    }

    /// <summary><c>CosineAnnealingLR.get_lr</c>, the recursive form, with its additive step after each trough.</summary>
    public sealed class CosineAnnealingLR(Group group, int tMax, double etaMin) : Scheduler(group)
    {
        protected override double GetLr()
        {
            if (LastEpoch == 0)
            {
                return Group.Lr;
            }

            if ((LastEpoch - 1 - tMax) % (2 * tMax) == 0)
            {
                return Group.Lr + ((BaseLr - etaMin) * (1 - Math.Cos(Math.PI / tMax)) / 2);
            }

            return ((1 + Math.Cos(Math.PI * LastEpoch / tMax)) / (1 + Math.Cos(Math.PI * (LastEpoch - 1) / tMax)) * (Group.Lr - etaMin)) + etaMin;
        }
    }

    /// <summary><c>CosineAnnealingWarmRestarts</c> stepped without an epoch: <c>T_cur</c> counts up and wraps at <c>T_i</c>, which grows by <c>T_mult</c>.</summary>
    public sealed class CosineAnnealingWarmRestarts : Scheduler
    {
        private readonly int _tMult;
        private readonly double _etaMin;
        private int _tI;
        private int _tCur;

        public CosineAnnealingWarmRestarts(Group group, int t0, int tMult, double etaMin)
            : base(group, initialStep: false)
        {
            _tI = t0;
            _tMult = tMult;
            _etaMin = etaMin;
            _tCur = 0; // the initial step(): epoch 0 < T_0, so T_i = T_0 and T_cur = 0
            LastEpoch = 0;
            Group.Lr = GetLr();
        }

        public override void Step()
        {
            LastEpoch++;
            _tCur++;
            if (_tCur >= _tI)
            {
                _tCur -= _tI;
                _tI *= _tMult;
            }

            Group.Lr = GetLr();
        }

        protected override double GetLr() => _etaMin + ((BaseLr - _etaMin) * (1 + Math.Cos(Math.PI * _tCur / _tI)) / 2);
    }

    /// <summary>
    /// <c>CyclicLR</c> (triangular, momentum cycled): the constructor sets <c>lr</c> to <c>base_lr</c> before <c>initial_lr</c>
    /// is set, and its initial step still computes from <c>base_lrs = initial_lr</c>; only then does <c>base_lrs</c> become <c>base_lr</c>.
    /// </summary>
    public sealed class CyclicLR : Scheduler
    {
        private readonly double _maxLr;
        private readonly double _up;
        private readonly double _baseMomentum;
        private readonly double _maxMomentum;

        public CyclicLR(Group group, double baseLr, double maxLr, int stepSizeUp, double baseMomentum, double maxMomentum)
            : base(SetRate(group, baseLr), initialStep: false)
        {
            _maxLr = maxLr;
            _up = stepSizeUp;
            _baseMomentum = baseMomentum;
            _maxMomentum = maxMomentum;
            Step();
            BaseLr = baseLr;
        }

        protected override double GetLr()
        {
            double cycle = Math.Floor(1 + (LastEpoch / (2 * _up)));
            double x = 1.0 + (LastEpoch / (2 * _up)) - cycle;
            double scale = x <= 0.5 ? x / 0.5 : (x - 1) / (0.5 - 1);
            Group.Momentum = _maxMomentum - ((_maxMomentum - _baseMomentum) * scale);
            return BaseLr + ((_maxLr - BaseLr) * scale);
        }

        private static Group SetRate(Group group, double baseLr)
        {
            group.Lr = baseLr;
            return group;
        }
    }

    /// <summary><c>ChainedScheduler</c>: its step steps every scheduler in order; it has no initial step of its own.</summary>
    public sealed class Chained(params Scheduler[] schedulers)
    {
        public void Step()
        {
            foreach (Scheduler scheduler in schedulers)
            {
                scheduler.Step();
            }
        }
    }

    /// <summary>Runs a chain: the rate after construction, then after each step.</summary>
    public static double[] Rates(Group group, Chained chain, int steps)
    {
        var rates = new List<double> { group.Lr };
        for (int s = 1; s < steps; s++)
        {
            chain.Step();
            rates.Add(group.Lr);
        }

        return [.. rates];
    }
}
