using System;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.IO;
using BatchLr.Cli.Commands;

namespace BatchLr.Cli;

/// <summary>Parses and runs the batchlr command line with System.CommandLine.</summary>
/// <remarks>
/// Every failure, bad usage or an invalid spec alike, is one or more lines <c>batchlr: …</c> on the error writer and exit
/// code 2; help goes to the output writer with exit code 0.
/// </remarks>
internal static class CommandLine
{
    public const int Failure = 2;

    private const string Description =
        """
        Learning-rate and batch-size schedules from a JSON spec (docs/spec.md): print them, check them, draw them.
        """;

    /// <summary>The name the tool is installed under (ToolCommandName); System.CommandLine 2.0 names the root command after the executable, BatchLr.Cli.</summary>
    private const string ToolName = "batchlr";

    public static RootCommand CreateRoot() => new(Description)
    {
        ScheduleCommand.Create(),
        ValidateCommand.Create(),
        PlotCommand.Create(),
    };

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        // 'batchlr help [command]' as the hand-written parser took it: the help of the command, or of batchlr.
        if (args is ["help", .. var rest])
        {
            args = [.. rest, "--help"];
        }

        RootCommand root = CreateRoot();
        // No response files: '--spec @plan.json' names a file, as it did before System.CommandLine.
        ParseResult parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Action is ParseErrorAction)
        {
            foreach (ParseError parseError in parse.Errors)
            {
                error.WriteLine("batchlr: " + parseError.Message);
            }

            WriteHelpHint(parse, error);
            return Failure;
        }

        try
        {
            if (parse.Action is HelpAction)
            {
                return WriteHelp(parse, output, error);
            }

            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            error.WriteLine("batchlr: " + e.Message);
            WriteHelpHint(parse, error);
            return Failure;
        }
        catch (ScheduleSpecException e)
        {
            error.WriteLine("batchlr: invalid spec at " + e.Path + ": " + StripParameter(e.Message));
            return Failure;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or OverflowException)
        {
            // A plan that cannot go on (a count overflowing, a curve without a value): report it, never crash.
            error.WriteLine("batchlr: the plan cannot continue: " + e.Message);
            return Failure;
        }
    }

    private static string Path(Command command) => command is RootCommand ? ToolName : ToolName + " " + command.Name;

    /// <summary>Writes System.CommandLine's help with the usage lines naming the tool as installed, not the executable.</summary>
    private static int WriteHelp(ParseResult parse, TextWriter output, TextWriter error)
    {
        using var help = new StringWriter(CultureInfo.InvariantCulture);
        int code = parse.Invoke(new InvocationConfiguration { Output = help, Error = error });
        string executable = "  " + RootCommand.ExecutableName;
        string[] lines = help.ToString().Split(Environment.NewLine);
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i] == executable || lines[i].StartsWith(executable + " ", StringComparison.Ordinal))
            {
                lines[i] = "  " + ToolName + lines[i][executable.Length..];
            }
        }

        output.Write(string.Join(Environment.NewLine, lines));
        return code;
    }

    private static void WriteHelpHint(ParseResult parse, TextWriter error)
    {
        error.WriteLine("Run '" + Path(parse.CommandResult.Command) + " --help' for usage.");
    }

    private static string StripParameter(string message)
    {
        int suffix = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return suffix < 0 ? message : message[..suffix];
    }
}
