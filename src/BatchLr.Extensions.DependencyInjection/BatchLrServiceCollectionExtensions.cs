using System;
using System.Linq;
using BatchLr;
using BatchLr.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers BatchLr training plans: an <see cref="ITrainingPlannerFactory"/> per plan, its options, and their validation at start-up.</summary>
/// <remarks>
/// <para>
/// Every overload delegates to <see cref="AddBatchLr(IServiceCollection, string, Action{BatchLrPlanOptions})"/>. A plan without
/// a name is the default plan, resolved as <see cref="ITrainingPlannerFactory"/>; a plan with a name is the keyed
/// <see cref="ITrainingPlannerFactory"/> of that name. The options of a plan are the named <see cref="BatchLrPlanOptions"/>,
/// validated when the host starts (<c>ValidateOnStart</c>), so a bad spec stops the start with every broken rule named.
/// </para>
/// <para>
/// Registering is idempotent: the factory, the validator and the change-token source are added once (<c>TryAdd</c>); calling
/// again for the same name adds another configuration step to its options, applied in order, so a later one overrides
/// the values it sets (a spec from configuration, then <see cref="BatchLrPlanOptions.Configure"/> from code).
/// </para>
/// </remarks>
public static class BatchLrServiceCollectionExtensions
{
    /// <summary>Registers the default plan from spec JSON text.</summary>
    /// <param name="services">The services.</param>
    /// <param name="specJson">The spec, as <see cref="ScheduleSpec.Parse(string)"/> reads it; checked when the host starts.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddBatchLr(this IServiceCollection services, string specJson) =>
        services.AddBatchLr(Options.Options.DefaultName, specJson);

    /// <summary>Registers a named plan from spec JSON text.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The plan's name, the key of its <see cref="ITrainingPlannerFactory"/>; empty for the default plan.</param>
    /// <param name="specJson">The spec, as <see cref="ScheduleSpec.Parse(string)"/> reads it; checked when the host starts.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddBatchLr(this IServiceCollection services, string name, string specJson)
    {
        ArgumentNullException.ThrowIfNull(specJson);
        return services.AddBatchLr(name, plan => plan.Spec = specJson);
    }

    /// <summary>Registers the default plan from a spec file.</summary>
    /// <param name="services">The services.</param>
    /// <param name="path">The file's path, read when the host starts and again for every planner.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddBatchLrFile(this IServiceCollection services, string path) =>
        services.AddBatchLrFile(Options.Options.DefaultName, path);

    /// <summary>Registers a named plan from a spec file.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The plan's name, the key of its <see cref="ITrainingPlannerFactory"/>; empty for the default plan.</param>
    /// <param name="path">The file's path, read when the host starts and again for every planner.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddBatchLrFile(this IServiceCollection services, string name, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return services.AddBatchLr(name, plan => plan.SpecFile = path);
    }

    /// <summary>Registers the default plan from a configuration section holding the spec's keys.</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The section, such as <c>configuration.GetSection("BatchLr")</c>, with the keys of a spec (<c>lr</c>, <c>schedule</c>, <c>batch</c>, …), or whose value is the spec's JSON text.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddBatchLr(this IServiceCollection services, IConfigurationSection section) =>
        services.AddBatchLr(Options.Options.DefaultName, section);

    /// <summary>Registers a named plan from a configuration section holding the spec's keys.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The plan's name, the key of its <see cref="ITrainingPlannerFactory"/>; empty for the default plan.</param>
    /// <param name="section">The section, such as <c>configuration.GetSection("BatchLr:Plans:main")</c>, with the keys of a spec (<c>lr</c>, <c>schedule</c>, <c>batch</c>, …), or whose value is the spec's JSON text.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <remarks>
    /// The section is read when the options are first needed (at start-up) and again after the configuration reloads, so
    /// the next planner follows an edited appsettings.json. Values are read as JSON by shape: numbers in the invariant culture,
    /// <c>true</c>/<c>false</c>, children <c>0</c>, <c>1</c>, … as arrays, an empty value as <c>null</c>. Errors name
    /// configuration paths, such as <c>BatchLr:Plans:main:schedule:T_max</c>.
    /// </remarks>
    public static IServiceCollection AddBatchLr(this IServiceCollection services, string name, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(section);
        if (!services.Any(d => !d.IsKeyedService && d.ImplementationInstance is SectionChangeTokenSource source && source.Name == name && source.Path == section.Path))
        {
            services.AddSingleton<IOptionsChangeTokenSource<BatchLrPlanOptions>>(new SectionChangeTokenSource(name, section));
        }

        return services.AddBatchLr(name, plan =>
        {
            plan.ConfigurationPath = section.Path;
            plan.Spec = section.GetChildren().Any() ? ConfigurationSpec.ToJson(section)
                : string.IsNullOrWhiteSpace(section.Value) ? null
                : section.Value;
        });
    }

    /// <summary>Registers the default plan built in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="plannerOptions">Builds new planner options, with a new batch-size policy, for every planner; it receives the dataset size given to <see cref="ITrainingPlannerFactory.Create"/>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddBatchLr(this IServiceCollection services, Func<long?, TrainingPlannerOptions> plannerOptions) =>
        services.AddBatchLr(Options.Options.DefaultName, plannerOptions);

    /// <summary>Registers a named plan built in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The plan's name, the key of its <see cref="ITrainingPlannerFactory"/>; empty for the default plan.</param>
    /// <param name="plannerOptions">Builds new planner options, with a new batch-size policy, for every planner; it receives the dataset size given to <see cref="ITrainingPlannerFactory.Create"/>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddBatchLr(this IServiceCollection services, string name, Func<long?, TrainingPlannerOptions> plannerOptions)
    {
        ArgumentNullException.ThrowIfNull(plannerOptions);
        return services.AddBatchLr(name, plan => plan.PlannerOptions = plannerOptions);
    }

    /// <summary>Registers the default plan with options set in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the plan's source and adjustments.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddBatchLr(this IServiceCollection services, Action<BatchLrPlanOptions> configure) =>
        services.AddBatchLr(Options.Options.DefaultName, configure);

    /// <summary>Registers a named plan with options set in code; every other overload calls this one.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The plan's name, the key of its <see cref="ITrainingPlannerFactory"/>; empty for the default plan.</param>
    /// <param name="configure">Sets the plan's source (<see cref="BatchLrPlanOptions.Spec"/>, <see cref="BatchLrPlanOptions.SpecFile"/> or <see cref="BatchLrPlanOptions.PlannerOptions"/>) and adjustments (<see cref="BatchLrPlanOptions.Configure"/>); run when the options are built, after the steps registered before it.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddBatchLr(this IServiceCollection services, string name, Action<BatchLrPlanOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<BatchLrPlanOptions>(name).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatchLrPlanOptions>, BatchLrPlanOptionsValidator>());
        if (name.Length == 0)
        {
            services.TryAddSingleton<ITrainingPlannerFactory>(provider => new TrainingPlannerFactory(name, provider.GetRequiredService<IOptionsMonitor<BatchLrPlanOptions>>()));
        }
        else
        {
            services.TryAddKeyedSingleton<ITrainingPlannerFactory>(name, (provider, _) => new TrainingPlannerFactory(name, provider.GetRequiredService<IOptionsMonitor<BatchLrPlanOptions>>()));
        }

        return services;
    }
}
