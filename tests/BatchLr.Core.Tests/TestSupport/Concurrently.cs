using System;
using System.Threading;

namespace BatchLr.Core.Tests.TestSupport;

/// <summary>Runs work on several threads released together, so they overlap as much as the machine allows.</summary>
internal static class Concurrently
{
    /// <summary>Runs <paramref name="work"/> on <paramref name="threads"/> threads at once and returns each thread's result, by index.</summary>
    /// <remarks>An exception on any thread is rethrown here, wrapped with the others.</remarks>
    public static T[] Run<T>(int threads, Func<int, T> work)
    {
        var results = new T[threads];
        var errors = new Exception?[threads];
        using var start = new Barrier(threads);
        var workers = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            int index = i;
            workers[i] = new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    results[index] = work(index);
                }
                catch (Exception e)
                {
                    errors[index] = e;
                }
            });
            workers[i].Start();
        }

        foreach (Thread worker in workers)
        {
            worker.Join(TimeSpan.FromMinutes(2)).Should().BeTrue("every thread must finish");
        }

        Exception[] thrown = Array.FindAll(errors, e => e is not null)!;
        if (thrown.Length > 0)
        {
            throw new AggregateException(thrown);
        }

        return results;
    }
}
