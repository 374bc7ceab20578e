using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using BatchLr.Configuration;
using Xunit.Abstractions;

namespace BatchLr.Core.Tests.Configuration.Fuzzing;

/// <summary>Fuzzes <see cref="ScheduleSpec"/> with generated and mutated documents (see <see cref="SpecFuzzCase"/> and <see cref="SpecFuzzer"/>).</summary>
/// <remarks>
/// <para>
/// CI runs <see cref="DefaultCases"/> cases from seed <see cref="DefaultSeed"/>. Environment variables widen or narrow the run:
/// <c>BATCHLR_FUZZ_CASES</c> (how many cases), <c>BATCHLR_FUZZ_SEED</c> (the first seed; cases use consecutive seeds) and
/// <c>BATCHLR_FUZZ_TIMEOUT</c> (seconds a case may take). A failure prints the seed and the document, and
/// <c>BATCHLR_FUZZ_SEED=&lt;seed&gt; BATCHLR_FUZZ_CASES=1</c> replays exactly that case:
/// </para>
/// <code>
/// BATCHLR_FUZZ_CASES=100000 dotnet test tests/BatchLr.Core.Tests -c Release --filter "FullyQualifiedName~SpecFuzzTests" --logger "console;verbosity=detailed"
/// </code>
/// </remarks>
public class SpecFuzzTests(ITestOutputHelper output)
{
    private const int DefaultCases = 10_000;
    private const int DefaultSeed = 20_251_111;
    private const double DefaultTimeoutSeconds = 5;

    [Fact]
    public void ParseAndBuild_GeneratedAndMutatedDocuments_AcceptWithFiniteRatesOrRefuseWithPath()
    {
        int cases = Setting("BATCHLR_FUZZ_CASES", DefaultCases);
        int seed = Setting("BATCHLR_FUZZ_SEED", DefaultSeed);
        var timeout = TimeSpan.FromSeconds(Setting("BATCHLR_FUZZ_TIMEOUT", DefaultTimeoutSeconds));

        SpecFuzzReport report = SpecFuzzReport.Run(seed, cases, timeout);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Spec fuzzing from seed {seed}: {report}"));
        output.WriteLine("Refusals by field: " + string.Join(", ", report.RefusedAt.OrderByDescending(p => p.Value).Take(25).Select(p => p.Key + " " + p.Value.ToString(CultureInfo.InvariantCulture))));
        foreach ((SpecFuzzCase fuzzCase, string detail) in report.Failures)
        {
            output.WriteLine(string.Empty);
            output.WriteLine(fuzzCase.ToString());
            output.WriteLine("=> " + detail);
        }

        report.Failed.Should().Be(
            0,
            "every document must be accepted with finite rates or refused with a path; the first failures:{0}{1}",
            Environment.NewLine,
            string.Join(Environment.NewLine + Environment.NewLine, report.Failures.Take(3).Select(f => f.Case + Environment.NewLine + "=> " + f.Detail)));
        report.Cases.Should().Be(cases);
    }

    [Fact]
    public void FromSeed_SameSeed_SameCase()
    {
        // Reproducibility: a printed seed must give back the document that failed.
        foreach (int seed in new[] { 0, 1, 42, DefaultSeed, int.MaxValue })
        {
            SpecFuzzCase.FromSeed(seed).Should().Be(SpecFuzzCase.FromSeed(seed));
        }
    }

    [Fact]
    public void FromSeed_CiSeeds_AcceptEveryTypeAtLeastOnce()
    {
        // A fuzzer that only ever produced refusals would prove nothing: within the cases CI runs, every schedule, batch and
        // scaling type of the catalog must be accepted at least once, so each one's evaluation is probed.
        var types = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < DefaultCases; i++)
        {
            SpecFuzzCase fuzzCase = SpecFuzzCase.FromSeed(DefaultSeed + i);
            if (SpecFuzzer.Check(fuzzCase).Verdict == SpecFuzzVerdict.Accepted && TryParse(fuzzCase.Json) is { } spec)
            {
                using var document = JsonDocument.Parse(spec.ToJson());
                Collect(document.RootElement, types);
            }
        }

        string[] all = [.. SpecCatalog.TypeNames, .. SpecCatalog.BatchTypes.Keys, .. SpecCatalog.ScalingTypes.Keys];
        all.Except(types).Should().BeEmpty("each of these types should be accepted in some case");
    }

    private static ScheduleSpec? TryParse(string json)
    {
        try
        {
            return ScheduleSpec.Parse(json);
        }
        catch (ScheduleSpecException)
        {
            return null;
        }
    }

    private static void Collect(JsonElement element, HashSet<string> types)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (property.Name == "type" && property.Value.ValueKind == JsonValueKind.String)
                {
                    types.Add(property.Value.GetString()!);
                }

                Collect(property.Value, types);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in element.EnumerateArray())
            {
                Collect(item, types);
            }
        }
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;

    private static double Setting(string name, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : fallback;
}
