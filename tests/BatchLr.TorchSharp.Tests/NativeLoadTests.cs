using static TorchSharp.torch;

namespace BatchLr.TorchSharp.Tests;

/// <summary>TorchSharp's native library loads on this system (the build marks GLIBCXX_3.4.32 weak where needed) and autograd runs.</summary>
public class NativeLoadTests
{
    [Fact]
    public void Backward_OnSquaredSum_GivesTwiceTheInput()
    {
        using var x = tensor(new[] { 1.0f, -2.0f, 3.0f }, requires_grad: true);
        using var y = (x * x).sum();

        y.backward();

        // d/dx sum(x^2) = 2x.
        using var grad = x.grad!;
        grad.data<float>().ToArray().Should().Equal(2.0f, -4.0f, 6.0f);
        y.item<float>().Should().Be(14.0f);
    }
}
