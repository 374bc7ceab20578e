using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp;

/// <summary>A copy, in CPU memory, of everything a few training steps change: the model's parameters, buffers and gradients, and the optimizer's state and learning rates.</summary>
/// <remarks>
/// Tensors are copied to the CPU and written back with <c>copy_</c>, so the values come back bit for bit, into the same
/// tensors; the optimizer's state goes through its own <c>save_state_dict</c> / <c>load_state_dict</c> in a memory stream.
/// The copies belong to the dispose scope that is current when the snapshot is taken.
/// </remarks>
internal sealed class TrainingStateSnapshot
{
    private readonly Tensor[] _live;
    private readonly Tensor[] _copies;
    private readonly Tensor[] _parameters;
    private readonly Tensor?[] _gradients;
    private readonly OptimizerHelper _optimizer;
    private readonly IReadOnlyList<ILearningRateController> _groups;
    private readonly double[] _learningRates;
    private readonly byte[] _optimizerState;

    private TrainingStateSnapshot(nn.Module model, OptimizerHelper optimizer, IReadOnlyList<ILearningRateController> groups)
    {
        // Every parameter of the model and of the optimizer (an optimizer may hold tensors outside the model), and every buffer, once.
        var seen = new HashSet<IntPtr>();
        var parameters = new List<Tensor>();
        foreach (Parameter parameter in model.parameters())
        {
            if (seen.Add(parameter.Handle))
            {
                parameters.Add(parameter);
            }
        }

        foreach (Parameter parameter in optimizer.parameters())
        {
            if (seen.Add(parameter.Handle))
            {
                parameters.Add(parameter);
            }
        }

        var live = new List<Tensor>(parameters);
        foreach (Tensor buffer in model.buffers())
        {
            if (seen.Add(buffer.Handle))
            {
                live.Add(buffer);
            }
        }

        _live = [.. live];
        _parameters = [.. parameters];
        _copies = new Tensor[_live.Length];
        _gradients = new Tensor?[_parameters.Length];
        using (no_grad())
        {
            for (int i = 0; i < _live.Length; i++)
            {
                _copies[i] = CopyToCpu(_live[i]);
            }

            for (int i = 0; i < _parameters.Length; i++)
            {
                using Tensor? gradient = _parameters[i].grad;
                _gradients[i] = gradient is null ? null : CopyToCpu(gradient);
            }
        }

        _optimizer = optimizer;
        _groups = groups;
        _learningRates = new double[groups.Count];
        for (int i = 0; i < groups.Count; i++)
        {
            _learningRates[i] = groups[i].LearningRate;
        }

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(writer);
        }

        _optimizerState = stream.ToArray();
    }

    /// <summary>Copies the current state of a model and its optimizer.</summary>
    public static TrainingStateSnapshot Capture(nn.Module model, OptimizerHelper optimizer, IReadOnlyList<ILearningRateController> groups) =>
        new(model, optimizer, groups);

    /// <summary>Writes the copied state back: every parameter, buffer and gradient (an absent gradient is removed again), the optimizer's state and each group's learning rate.</summary>
    public void Restore()
    {
        using (no_grad())
        {
            for (int i = 0; i < _live.Length; i++)
            {
                _live[i].copy_(_copies[i]);
            }

            for (int i = 0; i < _parameters.Length; i++)
            {
                RestoreGradient(_parameters[i], _gradients[i]);
            }
        }

        using (var reader = new BinaryReader(new MemoryStream(_optimizerState, writable: false)))
        using (DisposeScope loading = NewDisposeScope())
        {
            _optimizer.load_state_dict(reader);

            // Loading replaces some state tensors (SGD's momentum buffer, AMSGrad's maximum) with new ones, which would belong
            // to this scope and die with it; the optimizer owns them, as it owns the ones it creates in step().
            loading.Detach(loading.DisposablesView);
        }

        for (int i = 0; i < _groups.Count; i++)
        {
            _groups[i].LearningRate = _learningRates[i];
        }
    }

    private static Tensor CopyToCpu(Tensor tensor)
    {
        using Tensor detached = tensor.detach();
        return detached.to(DeviceType.CPU, copy: true);
    }

    private static void RestoreGradient(Tensor parameter, Tensor? saved)
    {
        using Tensor? current = parameter.grad;
        if (saved is null)
        {
            if (current is not null)
            {
                parameter.grad = null;
            }
        }
        else if (current is null)
        {
            using Tensor restored = saved.to(parameter.device, copy: true);
            parameter.grad = restored;
        }
        else
        {
            current.copy_(saved);
        }
    }
}
