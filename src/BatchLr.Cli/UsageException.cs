using System;

namespace BatchLr.Cli;

/// <summary>Reports a command line that cannot run as given: batchlr prints the message and where to find the usage, and exits with 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
