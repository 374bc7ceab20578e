using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace BatchLr.Cli.Output;

/// <summary>Writes rows of cells as CSV or as a GitHub markdown table with right-aligned columns.</summary>
internal sealed class Table(TextWriter output, bool markdown)
{
    /// <summary>Adds one column per group: <paramref name="name"/> alone for one group, otherwise <c>name_0</c>, <c>name_1</c>, ….</summary>
    public static void AddGroupColumns(List<string> columns, string name, int groups)
    {
        if (groups == 1)
        {
            columns.Add(name);
            return;
        }

        for (int g = 0; g < groups; g++)
        {
            columns.Add(string.Create(CultureInfo.InvariantCulture, $"{name}_{g}"));
        }
    }

    /// <summary>Formats a number in invariant round-trip form.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Formats a whole number in invariant form.</summary>
    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes the header row, and the alignment row of a markdown table.</summary>
    public void WriteHeader(List<string> columns)
    {
        WriteRow(columns);
        if (markdown)
        {
            WriteRow(columns.ConvertAll(_ => "---:"));
        }
    }

    /// <summary>Writes one row.</summary>
    public void WriteRow(List<string> cells)
    {
        var line = new StringBuilder();
        if (markdown)
        {
            line.Append("| ").AppendJoin(" | ", cells).Append(" |");
        }
        else
        {
            line.AppendJoin(',', cells);
        }

        output.WriteLine(line.ToString());
    }
}
