using System;
using System.Linq;
using System.Runtime.InteropServices;
using BatchLr.Memory;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

#pragma warning disable CA2201 // The tests throw what LibTorch throws when a device runs out of memory.

namespace BatchLr.TorchSharp.Tests.Memory;

public class MicroBatchFinderTests
{
    private static Sequential Model()
    {
        manual_seed(6);
        return nn.Sequential(("a", nn.Linear(4, 16)), ("act", nn.ReLU()), ("b", nn.Linear(16, 1)));
    }

    private static float[] Everything(Sequential model) => model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

    /// <summary>A loss on the first m rows that fails as CUDA does above a capacity: the device of these tests.</summary>
    private static Func<int, Tensor> Loss(Sequential model, Tensor inputs, Tensor targets, int capacity) => m =>
        m > capacity
            ? throw new ExternalException("CUDA out of memory. Tried to allocate 2.00 GiB (simulated device)")
            : nn.functional.mse_loss(model.forward(inputs[TensorIndex.Slice(0, m)]), targets[TensorIndex.Slice(0, m)]);

    [Theory]
    [InlineData(37)]
    [InlineData(64)]
    [InlineData(200)]
    public void Find_Search_FindsTheLargestMicroBatchThatFits_AndLeavesModelAndOptimizerAsTheyWere(int capacity)
    {
        using Tensor inputs = randn(512, 4), targets = randn(512, 1);
        using Sequential model = Model();
        using var adam = Adam(model.parameters(), 0.01);
        float[] before = Everything(model);

        MicroBatchSelection selection = MicroBatchFinder.Find(model, adam, Loss(model, inputs, targets, capacity), new MicroBatchSelectionOptions
        {
            Strategy = MicroBatchStrategy.Search,
            MaxMicroBatchSize = 512,
        });

        selection.MicroBatchSize.Should().Be(capacity);
        selection.Method.Should().Be(MicroBatchSelectionMethod.Search);
        selection.Trials.Count.Should().BeLessThanOrEqualTo((int)Math.Ceiling(Math.Log2(512)) + 2);
        Everything(model).Should().Equal(before, "every trial's steps were undone");
        adam.ParamGroups.Single().LearningRate.Should().Be(0.01);
        model.parameters().Select(p => p.grad).Should().OnlyContain(g => ReferenceEquals(g, null) || g.abs().sum().ToDouble() == 0, "no trial's gradient is left behind");
    }

    [Fact]
    public void Find_WithAMultiple_RoundsDownToIt()
    {
        using Tensor inputs = randn(256, 4), targets = randn(256, 1);
        using Sequential model = Model();
        using var sgd = SGD(model.parameters(), 0.01);

        MicroBatchSelection selection = MicroBatchFinder.Find(model, sgd, Loss(model, inputs, targets, 100), new MicroBatchSelectionOptions
        {
            Strategy = MicroBatchStrategy.Search,
            MaxMicroBatchSize = 256,
            Multiple = 8,
        });

        selection.MicroBatchSize.Should().Be(96, "the largest multiple of 8 up to 100");
    }

    [Fact]
    public void Find_OtherErrors_AreNotTakenForOutOfMemory_AndTheModelIsRestored()
    {
        using Tensor inputs = randn(64, 4), targets = randn(64, 1);
        using Sequential model = Model();
        using var sgd = SGD(model.parameters(), 0.01);
        float[] before = Everything(model);

        var act = () => MicroBatchFinder.Find(model, sgd, m => m > 4 ? throw new InvalidOperationException("a bug in the loss") : nn.functional.mse_loss(model.forward(inputs[TensorIndex.Slice(0, m)]), targets[TensorIndex.Slice(0, m)]), new MicroBatchSelectionOptions
        {
            Strategy = MicroBatchStrategy.Search,
            MaxMicroBatchSize = 64,
        });

        act.Should().Throw<InvalidOperationException>().WithMessage("a bug in the loss");
        Everything(model).Should().Equal(before);
    }
}
