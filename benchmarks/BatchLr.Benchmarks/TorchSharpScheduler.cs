using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.optim;

namespace BatchLr.Benchmarks;

/// <summary>A TorchSharp scheduler driving its own two-group SGD optimizer over two small linear layers.</summary>
internal sealed class TorchSharpScheduler : IDisposable
{
    private readonly Linear _first = torch.nn.Linear(4, 4);
    private readonly Linear _second = torch.nn.Linear(4, 1);
    private readonly SGD _optimizer;
    private readonly lr_scheduler.LRScheduler _scheduler;

    /// <summary>Initializes a new instance of the <see cref="TorchSharpScheduler"/> class.</summary>
    /// <param name="learningRate">The learning rate both groups start from.</param>
    /// <param name="create">Creates the scheduler over the optimizer.</param>
    public TorchSharpScheduler(double learningRate, Func<Optimizer, lr_scheduler.LRScheduler> create)
    {
        _optimizer = SGD(
            [
                new SGD.ParamGroup(_first.parameters(), lr: learningRate, momentum: 0.9),
                new SGD.ParamGroup(_second.parameters(), lr: learningRate, momentum: 0.9),
            ],
            learningRate: learningRate);
        _scheduler = create(_optimizer);
    }

    /// <summary>Gets the optimizer the scheduler drives.</summary>
    public Optimizer Optimizer => _optimizer;

    /// <summary>Advances the scheduler to an epoch, as <c>step()</c> does one epoch at a time; TorchSharp computes and sets both groups' rates.</summary>
    /// <param name="epoch">The epoch to step to.</param>
    public void Step(int epoch) => _scheduler.step(epoch);

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer.Dispose();
        _first.Dispose();
        _second.Dispose();
    }
}
