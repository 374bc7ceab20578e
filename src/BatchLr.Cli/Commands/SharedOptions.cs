using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace BatchLr.Cli.Commands;

/// <summary>Creates the options several commands take, each parsed with the same rule and message everywhere.</summary>
internal static class SharedOptions
{
    public static Option<string> Spec() => new("--spec")
    {
        Description = "the JSON spec, e.g. {\"lr\": 0.1, \"schedule\": {\"type\": \"StepLR\", \"step_size\": 30}}",
        HelpName = "FILE",
        Required = true,
    };

    public static Option<int?> Steps(string description) => new("--steps")
    {
        Description = description,
        HelpName = "N",
        CustomParser = result => (int?)ParseWholeNumber(result, "--steps", 0, int.MaxValue),
    };

    public static Option<long?> DatasetSize(string description) => WholeNumber("--dataset-size", description);

    public static Option<long?> TokensPerSample() => WholeNumber(
        "--tokens-per-sample",
        "tokens in one sample, 1 or more, for the tokens clock of a plan (needs a \"batch\" section; without it tokens stay at 0)");

    /// <summary>Creates an option that takes one of a few words, offered as completions.</summary>
    public static Option<string> OneOf(string name, string description, params string[] words)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            HelpName = string.Join('|', words),
            DefaultValueFactory = _ => words[0],
            CustomParser = result =>
            {
                string text = result.Tokens.Count == 0 ? words[0] : result.Tokens[0].Value;
                if (Array.IndexOf(words, text) < 0)
                {
                    result.AddError("'" + name + "' is '" + text + "'; it must be " + string.Join(", ", words[..^1]) + " or " + words[^1] + ".");
                }

                return text;
            },
        };
        option.CompletionSources.Add(words);
        return option;
    }

    /// <summary>Creates an option that takes a whole number from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    public static Option<int> BoundedNumber(string name, string description, int minimum, int maximum, int defaultValue) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => result.Tokens.Count == 0 ? defaultValue : (int)(ParseWholeNumber(result, name, minimum, maximum) ?? defaultValue),
    };

    private static Option<long?> WholeNumber(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result => ParseWholeNumber(result, name, 1, long.MaxValue),
    };

    private static long? ParseWholeNumber(ArgumentResult result, string name, long minimum, long maximum)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        string text = result.Tokens[0].Value;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value >= minimum && value <= maximum)
        {
            return value;
        }

        string rule = maximum == long.MaxValue || maximum == int.MaxValue
            ? string.Create(CultureInfo.InvariantCulture, $"a whole number {minimum} or more")
            : string.Create(CultureInfo.InvariantCulture, $"a whole number from {minimum} to {maximum}");
        result.AddError("'" + name + "' is '" + text + "'; it must be " + rule + ".");
        return null;
    }
}
