using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Logging;

namespace BatchLr.Core.Tests.TestSupport;

/// <summary>One entry a <see cref="CollectingLogger"/> received: its level, id, formatted message and named values.</summary>
internal sealed record LogEntry(LogLevel Level, EventId Id, string Message, IReadOnlyDictionary<string, object?> Values);

/// <summary>A logger that keeps every entry of an enabled level, for tests that check what was logged.</summary>
internal sealed class CollectingLogger(LogLevel minimum = LogLevel.Trace) : ILogger
{
    public List<LogEntry> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? pairs.ToDictionary(pair => pair.Key, pair => pair.Value)
            : [];
        Entries.Add(new LogEntry(logLevel, eventId, formatter(state, exception), values));
    }
}
