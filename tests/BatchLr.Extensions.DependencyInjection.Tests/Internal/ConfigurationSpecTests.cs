using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Nodes;
using BatchLr.Internal;
using Microsoft.Extensions.Configuration;

namespace BatchLr.Extensions.DependencyInjection.Tests.Internal;

public class ConfigurationSpecTests
{
    [Fact]
    public void ToJson_Values_ReadByShape()
    {
        string json = ToJson(new()
        {
            ["s:lr"] = "0.1",
            ["s:small"] = "1e-4",
            ["s:whole"] = "5000",
            ["s:flag"] = "True",
            ["s:off"] = "false",
            ["s:empty"] = "",
            ["s:nothing"] = "null",
            ["s:unit"] = "2ep",
            ["s:shape"] = "1-sqrt",
            ["s:infinite"] = "Infinity",
        });

        JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse("""
            {"empty": null, "flag": true, "infinite": "Infinity", "lr": 0.1, "nothing": null, "off": false, "shape": "1-sqrt", "small": 0.0001, "unit": "2ep", "whole": 5000}
            """)).Should().BeTrue(json);
    }

    [Fact]
    public void ToJson_IndexedChildren_AreArraysInIndexOrder()
    {
        var values = new Dictionary<string, string?> { ["s:schedulers:0:type"] = "constant" };
        for (int i = 0; i < 12; i++)
        {
            values["s:milestones:" + i.ToString(CultureInfo.InvariantCulture)] = (i * 10).ToString(CultureInfo.InvariantCulture);
        }

        values["s:schedulers:1:type"] = "ExponentialLR";
        values["s:schedulers:1:gamma"] = "0.9";
        values["s:gaps:0"] = "1";
        values["s:gaps:2"] = "3";
        values["s:padded:00"] = "1";

        JsonNode node = JsonNode.Parse(ToJson(values))!;

        node["milestones"]!.AsArray().Should().HaveCount(12);
        node["milestones"]![11]!.GetValue<double>().Should().Be(110);
        node["schedulers"]![1]!["gamma"]!.GetValue<double>().Should().Be(0.9);
        node["gaps"].Should().BeOfType<JsonObject>("indices with a gap are keys of an object");
        node["padded"].Should().BeOfType<JsonObject>();
    }

    [Fact]
    public void ToJson_EmptySection_IsAnEmptyObject()
    {
        // What the JSON provider leaves for "on_plateau": {}.
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["s:lr"] = "0.1", ["s:on_plateau"] = null }).Build();

        ConfigurationSpec.ToJson(configuration.GetSection("s")).Should().Be("""{"lr":0.1,"on_plateau":{}}""");
    }

    [Fact]
    public void ToJson_AnyCulture_ReadsNumbersInvariantly()
    {
        CultureInfo culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");

            ToJson(new() { ["s:lr"] = "0.25", ["s:comma"] = "0,25" }).Should().Be("""{"comma":"0,25","lr":0.25}""");
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Theory]
    [InlineData("$", "BatchLr:Plans:main")]
    [InlineData("$.lr", "BatchLr:Plans:main:lr")]
    [InlineData("$.schedule.T_max", "BatchLr:Plans:main:schedule:T_max")]
    [InlineData("$.lr[2]", "BatchLr:Plans:main:lr:2")]
    [InlineData("$.schedule.schedulers[1].milestones[0]", "BatchLr:Plans:main:schedule:schedulers:1:milestones:0")]
    public void ToConfigurationPath_JsonPath_MapsEverySegment(string jsonPath, string expected) =>
        ConfigurationSpec.ToConfigurationPath("BatchLr:Plans:main", jsonPath).Should().Be(expected);

    [Fact]
    public void RewritePaths_EveryQuotedPath_IsRewritten()
    {
        string message = "'$.schedule.max_lr[1]' is 0.001; it must be no less than base_lr\n'$.schedule.gamma' is 0; it must be greater than zero";

        ConfigurationSpec.RewritePaths("P", message, "$.schedule.max_lr[1]").Should().Be(
            "'P:schedule:max_lr:1' is 0.001; it must be no less than base_lr\n'P:schedule:gamma' is 0; it must be greater than zero");
    }

    [Fact]
    public void RewritePaths_PathAsPrefix_IsQuotedAndRewritten() =>
        ConfigurationSpec.RewritePaths("P", "$.schedule: something broke", "$.schedule").Should().Be("'P:schedule' something broke");

    private static string ToJson(Dictionary<string, string?> values) =>
        ConfigurationSpec.ToJson(new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("s"));
}
