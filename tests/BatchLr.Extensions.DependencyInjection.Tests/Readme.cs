using System;
using System.IO;
using System.Text.RegularExpressions;

namespace BatchLr.Extensions.DependencyInjection.Tests;

/// <summary>Reads the package README, so its examples are the ones the tests run.</summary>
internal static partial class Readme
{
    /// <summary>Returns the appsettings.json example: the first JSON block of the README.</summary>
    public static string AppSettings()
    {
        string text = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "BatchLr.Extensions.DependencyInjection", "README.md"));
        return JsonBlock().Match(text).Groups[1].Value;
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "BatchLr.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("BatchLr.sln was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("```json\\s*\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
