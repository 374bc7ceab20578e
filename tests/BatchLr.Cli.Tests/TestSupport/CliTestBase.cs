using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace BatchLr.Cli.Tests.TestSupport;

/// <summary>Runs the batchlr command line in process, with its files in a temporary folder of the test.</summary>
public abstract class CliTestBase : IDisposable
{
    protected string Folder { get; } = Directory.CreateTempSubdirectory("batchlr-cli-tests-").FullName;

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs batchlr; an argument "missing.json" stands for a file of that name in the folder, which does not exist.</summary>
    protected (int Code, string[] Lines, string Error) Run(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        string[] resolved = args.Select(a => a == "missing.json" ? Path.Combine(Folder, a) : a).ToArray();
        int code = CommandLine.Run(resolved, output, error);
        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        return (code, lines, error.ToString());
    }

    protected string Write(string name, string text)
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
