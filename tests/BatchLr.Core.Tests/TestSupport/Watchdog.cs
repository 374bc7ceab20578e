using System;
using System.Threading.Tasks;

namespace BatchLr.Core.Tests.TestSupport;

/// <summary>Turns a call that never returns into a test failure instead of a test run that never ends.</summary>
/// <remarks>
/// The limit is far above what any call here takes (microseconds), so it asserts termination, not speed. A call that does
/// hang keeps its worker thread; the run reports it and goes on.
/// </remarks>
internal static class Watchdog
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Returns the call's result, or fails the test when the call has not returned within the limit.</summary>
    public static T Returns<T>(Func<T> call, string what)
    {
        var work = Task.Run(call);
        work.Wait(Limit).Should().BeTrue("{0} must return (a loop over cycles or steps would not)", what);
        return work.Result;
    }
}
