using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BatchLr.Extensions.DependencyInjection.Tests;

/// <summary>Start-up validation, run as a host runs it: <see cref="IStartupValidator.Validate"/> after the provider is built.</summary>
public class ValidationTests
{
    [Fact]
    public void Start_BadSpecInConfiguration_FailsNamingTheConfigurationPathAndRule()
    {
        IConfigurationRoot configuration = Configuration(new()
        {
            ["BatchLr:Plans:main:lr"] = "0.1",
            ["BatchLr:Plans:main:schedule:type"] = "CosineAnnealingLR",
            ["BatchLr:Plans:main:schedule:T_max"] = "0",
            ["BatchLr:Plans:main:batch:type"] = "fixed",
            ["BatchLr:Plans:main:batch:batch_size"] = "32",
        });

        OptionsValidationException e = StartFails(services => services.AddBatchLr("main", configuration.GetSection("BatchLr:Plans:main")));

        e.Message.Should().Be("BatchLr plan 'main': 'BatchLr:Plans:main:schedule:T_max' is 0; it must be a finite number greater than zero.");
        e.OptionsName.Should().Be("main");
        e.OptionsType.Should().Be<BatchLrPlanOptions>();
    }

    [Theory]
    [InlineData("BatchLr:Plans:main:schedule:milestones:1", "-1", "'BatchLr:Plans:main:schedule:milestones:1' is -1; it must be*")]
    [InlineData("BatchLr:Plans:main:schedule:gama", "0.5", "*'BatchLr:Plans:main:schedule:gama' is not a parameter of MultiStepLR; it takes milestones, gamma. Did you mean gamma?")]
    [InlineData("BatchLr:Plans:main:batch:batch_size", "big", "*'BatchLr:Plans:main:batch:batch_size' is \"big\"; it must be a whole number.")]
    [InlineData("BatchLr:Plans:main:lr", "", "*'BatchLr:Plans:main:lr' is null; it must be a finite number.")]
    public void Start_BadValueInConfiguration_NamesItsConfigurationPath(string key, string value, string message)
    {
        var values = new Dictionary<string, string?>
        {
            ["BatchLr:Plans:main:lr"] = "0.1",
            ["BatchLr:Plans:main:schedule:type"] = "MultiStepLR",
            ["BatchLr:Plans:main:schedule:milestones:0"] = "10",
            ["BatchLr:Plans:main:schedule:milestones:1"] = "20",
            ["BatchLr:Plans:main:batch:type"] = "fixed",
            ["BatchLr:Plans:main:batch:batch_size"] = "32",
        };
        values[key] = value;
        IConfigurationRoot configuration = Configuration(values);

        OptionsValidationException e = StartFails(services => services.AddBatchLr("main", configuration.GetSection("BatchLr:Plans:main")));

        e.Message.Should().Match("BatchLr plan 'main': " + message.TrimStart('*'));
    }

    [Fact]
    public void Start_BadSpecJson_NamesTheJsonPath()
    {
        OptionsValidationException e = StartFails(services => services.AddBatchLr("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 0}, "batch": {"type": "fixed", "batch_size": 8}}"""));

        e.Message.Should().Be("BatchLr plan (default): '$.schedule.step_size' is 0; it must be a finite number greater than zero.");
    }

    [Fact]
    public void Start_MissingSpecFile_NamesTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "batchlr-missing-" + Guid.NewGuid().ToString("N") + ".json");

        OptionsValidationException e = StartFails(services => services.AddBatchLrFile("main", path));

        e.Message.Should().StartWith($"BatchLr plan 'main': the spec file '{path}' cannot be read: ");
    }

    [Fact]
    public void Start_MissingConfigurationSection_SaysSo()
    {
        IConfigurationRoot configuration = Configuration(new() { ["Other:key"] = "1" });

        OptionsValidationException e = StartFails(services => services.AddBatchLr("main", configuration.GetSection("BatchLr:Plans:main")));

        e.Message.Should().Be("BatchLr plan 'main': the configuration section 'BatchLr:Plans:main' is missing or empty; it must hold the spec's keys (lr, schedule, batch, ...).");
    }

    [Fact]
    public void Start_SpecWithoutBatch_SaysToAddOneOrConfigure()
    {
        OptionsValidationException e = StartFails(services => services.AddBatchLr("main", """{"lr": 0.1, "schedule": {"type": "constant"}}"""));

        e.Message.Should().Contain("has no \"batch\" section").And.Contain("BatchLrPlanOptions.Configure");
    }

    [Fact]
    public void Start_SeveralBrokenRules_ReportsEveryOneAtOnce()
    {
        OptionsValidationException e = StartFails(services => services.AddBatchLr("main", plan =>
        {
            plan.Spec = """{"lr": 0.1, "schedule": {"type": "StepLR", "step_sise": 3}}""";
            plan.PlannerOptions = _ => new TrainingPlannerOptions();
        }));

        e.Failures.Should().HaveCount(1, "a plan built in code is not read from its spec")
            .And.ContainSingle(f => f.Contains("has Spec and PlannerOptions", StringComparison.Ordinal));

        e = StartFails(services => services.AddBatchLr("main", plan =>
        {
            plan.Spec = """{"lr": 0.1, "schedule": {"type": "StepLR", "step_sise": 3}}""";
            plan.SpecFile = "plan.json";
        }));

        e.Failures.Should().HaveCount(2);
        e.Failures.Should().Contain(f => f.Contains("has Spec and SpecFile; set only one of them", StringComparison.Ordinal));
        e.Failures.Should().Contain(f => f.Contains("Did you mean step_size?", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_NoSource_SaysWhatToSet()
    {
        OptionsValidationException e = StartFails(services => services.AddBatchLr("main", _ => { }));

        e.Message.Should().Be("BatchLr plan 'main' has no source; set one of BatchLrPlanOptions.Spec, SpecFile or PlannerOptions.");
    }

    [Fact]
    public void Start_TwoBrokenPlans_ReportsBoth()
    {
        var services = new ServiceCollection();
        services.AddBatchLr("a", """{"lr": -1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 8}}""");
        services.AddBatchLr("b", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixd", "batch_size": 8}}""");
        services.AddBatchLr("c", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 8}}""");
        using ServiceProvider provider = services.BuildServiceProvider();

        Action start = () => provider.GetRequiredService<IStartupValidator>().Validate();

        AggregateException e = start.Should().Throw<AggregateException>().Which;
        e.InnerExceptions.Should().HaveCount(2).And.AllBeOfType<OptionsValidationException>();
        e.InnerExceptions.Should().Contain(x => x.Message.Contains("BatchLr plan 'a': '$.lr' is -1", StringComparison.Ordinal));
        e.InnerExceptions.Should().Contain(x => x.Message.Contains("BatchLr plan 'b': '$.batch.type' is \"fixd\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_PositionNeedsDatasetSize_NamesTheConfigurationPath()
    {
        IConfigurationRoot configuration = Configuration(new()
        {
            ["BatchLr:lr"] = "0.1",
            ["BatchLr:schedule:type"] = "StepLR",
            ["BatchLr:schedule:step_size"] = "2ep",
            ["BatchLr:batch:type"] = "fixed",
            ["BatchLr:batch:batch_size"] = "32",
        });
        using ServiceProvider provider = BatchLrServiceCollectionExtensionsTests.Start(services => services.AddBatchLr(configuration.GetSection("BatchLr")));
        ITrainingPlannerFactory factory = provider.GetRequiredService<ITrainingPlannerFactory>();

        Action create = () => factory.Create();

        ScheduleSpecException e = create.Should().Throw<ScheduleSpecException>().Which;
        e.Message.Should().StartWith("BatchLr plan (default): 'BatchLr:schedule:step_size' is \"2ep\"; ");
        e.Path.Should().Be("$.schedule.step_size");
        factory.Create(datasetSize: 3200).Plan().Batch.GlobalBatchSize.Should().Be(32);
    }

    [Fact]
    public void Create_SpecBrokenByReload_ThrowsTheValidationError()
    {
        IConfigurationRoot configuration = Configuration(new()
        {
            ["BatchLr:lr"] = "0.1",
            ["BatchLr:schedule:type"] = "constant",
            ["BatchLr:batch:type"] = "fixed",
            ["BatchLr:batch:batch_size"] = "8",
        });
        using ServiceProvider provider = BatchLrServiceCollectionExtensionsTests.Start(services => services.AddBatchLr(configuration.GetSection("BatchLr")));
        ITrainingPlannerFactory factory = provider.GetRequiredService<ITrainingPlannerFactory>();

        configuration["BatchLr:batch:batch_size"] = "0";

        // The options monitor rebuilds the options as soon as the section reloads, so the reload reports the error too
        // (a file provider reloads on a background task, where it does not reach the application).
        Action reload = configuration.Reload;
        reload.Should().Throw<AggregateException>().WithInnerException<OptionsValidationException>();
        Action create = () => factory.Create();
        create.Should().Throw<OptionsValidationException>().WithMessage("BatchLr plan (default): 'BatchLr:batch:batch_size' is 0;*");
    }

    private static IConfigurationRoot Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static OptionsValidationException StartFails(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        using ServiceProvider provider = services.BuildServiceProvider();

        Action start = () => provider.GetRequiredService<IStartupValidator>().Validate();

        return start.Should().Throw<OptionsValidationException>().Which;
    }
}
