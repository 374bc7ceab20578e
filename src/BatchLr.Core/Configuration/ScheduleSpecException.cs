using System;

namespace BatchLr;

/// <summary>The exception that is thrown when a JSON schedule spec is malformed or a value in it breaks a rule.</summary>
/// <remarks>
/// <see cref="Path"/> (also <see cref="ArgumentException.ParamName"/>) is the JSON path of the offending field,
/// such as <c>$.schedule.T_max</c>, <c>$.schedule.schedulers[1].gamma</c> or <c>$.lr[2]</c>.
/// </remarks>
public sealed class ScheduleSpecException : ArgumentException
{
    /// <summary>Initializes a new instance of the <see cref="ScheduleSpecException"/> class.</summary>
    public ScheduleSpecException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ScheduleSpecException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ScheduleSpecException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ScheduleSpecException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ScheduleSpecException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ScheduleSpecException"/> class for a field of a spec.</summary>
    /// <param name="message">The message; it names the path, the value and the rule.</param>
    /// <param name="path">The JSON path of the offending field.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public ScheduleSpecException(string message, string path, Exception? innerException = null)
        : base(message, path, innerException)
    {
    }

    /// <summary>Gets the JSON path of the offending field, such as <c>$.schedule.T_max</c>; empty when not known.</summary>
    public string Path => ParamName ?? string.Empty;
}
