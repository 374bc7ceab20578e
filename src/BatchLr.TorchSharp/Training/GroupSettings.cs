using System.Collections.Generic;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp;

/// <summary>The learning rate and the momentum (or Adam's beta1) of each parameter group, read before a planned step sets its plan's, so a step that fails can put them back.</summary>
internal readonly struct GroupSettings
{
    private readonly IReadOnlyList<ILearningRateController> _groups;
    private readonly double[] _values; // the rates, then each group's momentum or beta1 (unused where it has neither)

    private GroupSettings(IReadOnlyList<ILearningRateController> groups, double[] values)
    {
        _groups = groups;
        _values = values;
    }

    /// <summary>Reads the settings of every group of <paramref name="optimizer"/>.</summary>
    public static GroupSettings Capture(Optimizer optimizer)
    {
        IReadOnlyList<ILearningRateController> groups = ParamGroups.Of(optimizer);
        int count = groups.Count;
        var values = new double[2 * count];
        for (int i = 0; i < count; i++)
        {
            ILearningRateController group = groups[i];
            values[i] = group.LearningRate;
            values[count + i] = group switch
            {
                IMomentum withMomentum => withMomentum.Momentum,
                IBetas withBetas => withBetas.Betas.Item1,
                _ => 0,
            };
        }

        return new GroupSettings(groups, values);
    }

    /// <summary>Writes the settings read back, bit for bit; beta2 is left as it is, since a plan never sets it.</summary>
    public void Restore()
    {
        int count = _groups.Count;
        for (int i = 0; i < count; i++)
        {
            ILearningRateController group = _groups[i];
            group.LearningRate = _values[i];
            if (group is IMomentum withMomentum)
            {
                withMomentum.Momentum = _values[count + i];
            }
            else if (group is IBetas withBetas)
            {
                withBetas.Betas = (_values[count + i], withBetas.Betas.Item2);
            }
        }
    }
}
