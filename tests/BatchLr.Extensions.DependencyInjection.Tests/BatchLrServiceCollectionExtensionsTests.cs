using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Schedules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BatchLr.Extensions.DependencyInjection.Tests;

public sealed class BatchLrServiceCollectionExtensionsTests : IDisposable
{
    /// <summary>A plan with units, a varying batch, scaling and a micro-batch limit, so a difference anywhere shows in the plans.</summary>
    private const string Spec = """
        {
          "lr": 0.1,
          "schedule": { "type": "cosine", "num_warmup_steps": 5, "num_training_steps": 60 },
          "on_plateau": { "patience": 2, "factor": 0.5 },
          "batch": { "type": "steps", "milestones": [10, "1ep"], "sizes": [16, 32, 64], "clock": "samples" },
          "scaling": { "type": "sqrt", "reference_batch_size": 16 },
          "max_micro_batch_size": 32,
          "duration": "3ep",
          "evaluation_interval": "0.5ep"
        }
        """;

    private const long DatasetSize = 640;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "batchlr-di-" + Guid.NewGuid().ToString("N"));

    public BatchLrServiceCollectionExtensionsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AddBatchLr_SpecJson_PlansWhatScheduleSpecPlans()
    {
        using ServiceProvider provider = Start(services => services.AddBatchLr(Spec));

        TrainingPlanner planner = provider.GetRequiredService<ITrainingPlannerFactory>().Create(DatasetSize);

        PlanAssert.SamePlans(planner, Expected(Spec));
    }

    [Fact]
    public void AddBatchLrFile_SpecFile_PlansWhatScheduleSpecPlans()
    {
        string path = Path.Combine(_folder, "plan.json");
        File.WriteAllText(path, "// comments are allowed\n" + Spec);
        using ServiceProvider provider = Start(services => services.AddBatchLrFile(path));

        TrainingPlanner planner = provider.GetRequiredService<ITrainingPlannerFactory>().Create(DatasetSize);

        PlanAssert.SamePlans(planner, Expected(Spec));
    }

    [Fact]
    public void AddBatchLr_ConfigurationSection_PlansWhatScheduleSpecPlans()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BatchLr:lr"] = "0.1",
            ["BatchLr:schedule:type"] = "cosine",
            ["BatchLr:schedule:num_warmup_steps"] = "5",
            ["BatchLr:schedule:num_training_steps"] = "6e1",
            ["BatchLr:on_plateau:patience"] = "2",
            ["BatchLr:on_plateau:factor"] = "0.5",
            ["BatchLr:batch:type"] = "steps",
            ["BatchLr:batch:milestones:0"] = "10",
            ["BatchLr:batch:milestones:1"] = "1ep",
            ["BatchLr:batch:sizes:0"] = "16",
            ["BatchLr:batch:sizes:1"] = "32",
            ["BatchLr:batch:sizes:2"] = "64",
            ["BatchLr:batch:clock"] = "samples",
            ["BatchLr:scaling:type"] = "sqrt",
            ["BatchLr:scaling:reference_batch_size"] = "16",
            ["BatchLr:max_micro_batch_size"] = "32",
            ["BatchLr:duration"] = "3ep",
            ["BatchLr:evaluation_interval"] = "0.5ep",
        }).Build();
        using ServiceProvider provider = Start(services => services.AddBatchLr(configuration.GetSection("BatchLr")));

        TrainingPlanner planner = provider.GetRequiredService<ITrainingPlannerFactory>().Create(DatasetSize);

        PlanAssert.SamePlans(planner, Expected(Spec));
    }

    [Fact]
    public void AddBatchLr_SectionWhoseValueIsSpecJson_PlansWhatScheduleSpecPlans()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["BatchLr:Plans:main"] = Spec }).Build();
        using ServiceProvider provider = Start(services => services.AddBatchLr("main", configuration.GetSection("BatchLr:Plans:main")));

        TrainingPlanner planner = provider.GetRequiredKeyedService<ITrainingPlannerFactory>("main").Create(DatasetSize);

        PlanAssert.SamePlans(planner, Expected(Spec));
    }

    [Fact]
    public void AddBatchLr_AppSettingsOfTheReadme_PlansWhatScheduleSpecPlans()
    {
        string appsettings = Readme.AppSettings();
        string path = Path.Combine(_folder, "appsettings.json");
        File.WriteAllText(path, appsettings);
        IConfigurationRoot configuration = new ConfigurationBuilder().AddJsonFile(path).Build();
        using ServiceProvider provider = Start(services => services
            .AddBatchLr("main", configuration.GetSection("BatchLr:Plans:main"))
            .AddBatchLr("finetune", configuration.GetSection("BatchLr:Plans:finetune")));

        foreach (string name in (string[])["main", "finetune"])
        {
            string spec = System.Text.Json.Nodes.JsonNode.Parse(appsettings)!["BatchLr"]!["Plans"]![name]!.ToJsonString();
            TrainingPlanner planner = provider.GetRequiredKeyedService<ITrainingPlannerFactory>(name).Create(60_000);

            PlanAssert.SamePlans(planner, new TrainingPlanner(ScheduleSpec.Parse(spec).BuildPlannerOptions(60_000)), steps: 200);
        }
    }

    [Fact]
    public void AddBatchLr_PlannerOptionsInCode_PlansWhatTheCodeBuilds()
    {
        static TrainingPlannerOptions Build(long? datasetSize) => new()
        {
            Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.1, 0, 50).WithWarmup(5)]),
            BatchSize = BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 5, Constraints = new BatchSizeConstraints(8, 256) }),
            Duration = TrainingDuration.Epochs(2),
        };

        long? seen = null;
        using ServiceProvider provider = Start(services => services.AddBatchLr(size =>
        {
            seen = size;
            return Build(size);
        }));

        TrainingPlanner planner = provider.GetRequiredService<ITrainingPlannerFactory>().Create(DatasetSize);

        seen.Should().Be(DatasetSize);
        TrainingPlannerOptions expected = Build(null);
        expected.DatasetSize = DatasetSize;
        PlanAssert.SamePlans(planner, new TrainingPlanner(expected));
    }

    [Fact]
    public void AddBatchLr_ConfigureAfterSpec_AdjustsEveryPlanner()
    {
        const string ScheduleOnly = """{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 10, "gamma": 0.5}}""";
        using ServiceProvider provider = Start(services => services
            .AddBatchLr("code", ScheduleOnly)
            .AddBatchLr("code", plan => plan.Configure = options =>
            {
                options.BatchSize = BatchSizePolicy.Fixed(48);
                options.MaxMicroBatchSize = 16;
            }));

        TrainingPlanner planner = provider.GetRequiredKeyedService<ITrainingPlannerFactory>("code").Create();

        var expected = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = ScheduleSpec.Parse(ScheduleOnly).Build(),
            BatchSize = BatchSizePolicy.Fixed(48),
            MaxMicroBatchSize = 16,
        });
        PlanAssert.SamePlans(planner, expected);
        provider.GetRequiredKeyedService<ITrainingPlannerFactory>("code").Create().Plan().Batch.AccumulationSteps.Should().Be(3);
    }

    [Fact]
    public void AddBatchLr_TwoNamedPlans_ResolveSideBySide()
    {
        const string Other = """{"lr": 0.5, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 8}}""";
        using ServiceProvider provider = Start(services => services
            .AddBatchLr("main", Spec)
            .AddBatchLr("other", Other)
            .AddSingleton<TwoPlanTrainer>());

        TwoPlanTrainer trainer = provider.GetRequiredService<TwoPlanTrainer>();

        PlanAssert.SamePlans(trainer.Main.Create(DatasetSize), Expected(Spec));
        PlanAssert.SamePlans(trainer.Other.Create(), new TrainingPlanner(ScheduleSpec.Parse(Other).BuildPlannerOptions()));
        trainer.Main.Should().NotBeSameAs(trainer.Other);
        provider.GetService<ITrainingPlannerFactory>().Should().BeNull("no default plan was registered");
        provider.GetKeyedService<ITrainingPlannerFactory>("missing").Should().BeNull();
    }

    [Fact]
    public void Create_CalledTwice_GivesIndependentPlanners()
    {
        const string Adaptive = """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "noise_adaptive", "initial_batch_size": 32, "update_interval": 2, "max_batch_size": 512}, "on_plateau": {"patience": 0, "factor": 0.5}}""";
        using ServiceProvider provider = Start(services => services.AddBatchLr(Adaptive));
        ITrainingPlannerFactory factory = provider.GetRequiredService<ITrainingPlannerFactory>();

        TrainingPlanner first = factory.Create();
        StepPlan start = first.Plan();
        for (int i = 0; i < 20; i++)
        {
            StepPlan plan = first.Plan();
            first.Complete(new StepOutcome(plan.Batch.GlobalBatchSize)
            {
                Gradients = GradientStatistics.FromMicroBatches(plan.Batch, 0.05 * (1 + i), 0.01),
            });
            first.Report(1.0);
        }

        TrainingPlanner second = factory.Create();

        second.Should().NotBeSameAs(first);
        first.Progress.Step.Should().Be(20);
        first.Plan().LearningRate.Should().BeLessThan(start.LearningRate, "the plateau halved the first planner's rate");
        second.Progress.Step.Should().Be(0);
        second.Plan().Should().Be(start, "a new planner starts from the spec, not from the first planner's state");
    }

    [Fact]
    public void Create_WithSavedState_ResumesTheRun()
    {
        using ServiceProvider provider = Start(services => services.AddBatchLr(Spec));
        ITrainingPlannerFactory factory = provider.GetRequiredService<ITrainingPlannerFactory>();
        TrainingPlanner original = factory.Create(DatasetSize);
        PlanAssert.Run(original, 7);

        TrainingPlanner resumed = factory.Create(DatasetSize, TrainingPlannerState.FromJson(original.State.ToJson()));

        PlanAssert.SamePlans(resumed, original);
    }

    [Fact]
    public void AddBatchLr_CalledTwice_RegistersOnce()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["BatchLr"] = Spec }).Build();
        var services = new ServiceCollection();

        services.AddBatchLr(configuration.GetSection("BatchLr")).AddBatchLr(configuration.GetSection("BatchLr"));
        services.AddBatchLr("main", Spec).AddBatchLr("main", Spec);

        services.Count(d => d.ServiceType == typeof(ITrainingPlannerFactory) && !d.IsKeyedService).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(ITrainingPlannerFactory) && d.IsKeyedService && Equals(d.ServiceKey, "main")).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IValidateOptions<BatchLrPlanOptions>)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IOptionsChangeTokenSource<BatchLrPlanOptions>)).Should().Be(1);
        using ServiceProvider provider = services.BuildServiceProvider(validateScopes: true);
        provider.GetRequiredService<IStartupValidator>().Validate();
        PlanAssert.SamePlans(provider.GetRequiredService<ITrainingPlannerFactory>().Create(DatasetSize), Expected(Spec));
    }

    [Fact]
    public void Create_AfterConfigurationReload_ReadsTheNewSpec()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BatchLr:lr"] = "0.1",
            ["BatchLr:schedule:type"] = "constant",
            ["BatchLr:batch:type"] = "fixed",
            ["BatchLr:batch:batch_size"] = "8",
        }).Build();
        using ServiceProvider provider = Start(services => services.AddBatchLr(configuration.GetSection("BatchLr")));
        ITrainingPlannerFactory factory = provider.GetRequiredService<ITrainingPlannerFactory>();
        factory.Create().Plan().LearningRate.Should().Be(0.1);

        configuration["BatchLr:lr"] = "0.25";
        configuration.Reload();

        factory.Create().Plan().LearningRate.Should().Be(0.25);
    }

    [Fact]
    public void AddBatchLr_NullArguments_Throw()
    {
        var services = new ServiceCollection();

        FluentActions.Invoking(() => services.AddBatchLr((string)null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => services.AddBatchLr(null!, Spec)).Should().Throw<ArgumentNullException>().WithParameterName("name");
        FluentActions.Invoking(() => services.AddBatchLrFile(null!)).Should().Throw<ArgumentNullException>().WithParameterName("path");
        FluentActions.Invoking(() => services.AddBatchLr((IConfigurationSection)null!)).Should().Throw<ArgumentNullException>().WithParameterName("section");
        FluentActions.Invoking(() => services.AddBatchLr((Func<long?, TrainingPlannerOptions>)null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => services.AddBatchLr((Action<BatchLrPlanOptions>)null!)).Should().Throw<ArgumentNullException>().WithParameterName("configure");
        FluentActions.Invoking(() => ((IServiceCollection)null!).AddBatchLr(Spec)).Should().Throw<ArgumentNullException>().WithParameterName("services");
    }

    /// <summary>Builds the provider and runs what a host runs at start: every ValidateOnStart validation.</summary>
    internal static ServiceProvider Start(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        return provider;
    }

    private static TrainingPlanner Expected(string spec) => new(ScheduleSpec.Parse(spec).BuildPlannerOptions(DatasetSize));

    /// <summary>A consumer that takes two plans by name, as an application's service would.</summary>
    private sealed class TwoPlanTrainer([FromKeyedServices("main")] ITrainingPlannerFactory main, [FromKeyedServices("other")] ITrainingPlannerFactory other)
    {
        public ITrainingPlannerFactory Main => main;

        public ITrainingPlannerFactory Other => other;
    }
}
