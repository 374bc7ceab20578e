using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp.Tests.Finders;

/// <summary>Everything of a model and its optimizer that training changes, as raw bytes, to compare bit for bit.</summary>
internal sealed record TrainingState(
    IReadOnlyList<byte[]> Parameters,
    IReadOnlyList<byte[]> Buffers,
    IReadOnlyList<byte[]?> Gradients,
    IReadOnlyList<byte[]?> OptimizerTensors,
    IReadOnlyList<long> OptimizerSteps,
    IReadOnlyList<double> LearningRates,
    IReadOnlyList<double> InitialLearningRates)
{
    public static TrainingState Of(nn.Module model, Optimizer optimizer)
    {
        var tensors = new List<byte[]?>();
        var steps = new List<long>();
        foreach (OptimizerState state in ((OptimizerHelper)optimizer).state_dict().State)
        {
            switch (state)
            {
                case SGD.State sgd:
                    tensors.Add(Bits(sgd.momentum_buffer));
                    break;
                case Adam.State adam:
                    tensors.Add(Bits(adam.exp_avg));
                    tensors.Add(Bits(adam.exp_avg_sq));
                    tensors.Add(Bits(adam.max_exp_avg_sq));
                    steps.Add(adam.step);
                    break;
                default:
                    throw new NotSupportedException(state.GetType().FullName);
            }
        }

        return new TrainingState(
            [.. model.parameters().Select(p => Bits(p)!)],
            [.. model.buffers().Select(b => Bits(b)!)],
            [.. model.parameters().Select(p => Bits(p.grad))],
            tensors,
            steps,
            [.. optimizer.ParamGroups.Select(g => g.LearningRate)],
            [.. optimizer.ParamGroups.Select(g => g.InitialLearningRate)]);
    }

    /// <summary>The tensor's bytes, or null for no tensor.</summary>
    public static byte[]? Bits(Tensor? tensor)
    {
        if (tensor is null)
        {
            return null;
        }

        using Tensor cpu = tensor.detach().cpu().contiguous();
        return cpu.bytes.ToArray();
    }

    public void ShouldEqual(TrainingState expected)
    {
        Same(Parameters, expected.Parameters, "parameters");
        Same(Buffers, expected.Buffers, "buffers");
        Same(Gradients, expected.Gradients, "gradients");
        Same(OptimizerTensors, expected.OptimizerTensors, "optimizer state tensors");
        OptimizerSteps.Should().Equal(expected.OptimizerSteps, "the optimizer's step counts come back");
        LearningRates.Should().Equal(expected.LearningRates, "each group's learning rate comes back");
        InitialLearningRates.Should().Equal(expected.InitialLearningRates);
    }

    private static void Same(IReadOnlyList<byte[]?> actual, IReadOnlyList<byte[]?> expected, string what)
    {
        actual.Should().HaveSameCount(expected, what);
        for (int i = 0; i < expected.Count; i++)
        {
            if (expected[i] is null)
            {
                actual[i].Should().BeNull($"{what}[{i}] did not exist before");
            }
            else
            {
                actual[i].Should().NotBeNull($"{what}[{i}] existed before");
                actual[i]!.AsSpan().SequenceEqual(expected[i]).Should().BeTrue($"{what}[{i}] must come back bit for bit");
            }
        }
    }
}
