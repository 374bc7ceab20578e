using System.IO;

namespace BatchLr.Cli;

/// <summary>Parses and runs the batchlr command line.</summary>
internal static class CommandLine
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        error.WriteLine("usage: batchlr schedule --spec FILE --steps N [--metrics FILE] [--format csv|md]");
        return args.Length == 0 ? 2 : 2;
    }
}
