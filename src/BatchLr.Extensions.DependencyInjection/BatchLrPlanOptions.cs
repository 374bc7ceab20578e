using System;

namespace BatchLr;

/// <summary>Configures one training plan that <c>AddBatchLr</c> registers: where its spec comes from, or how code builds its planner options.</summary>
/// <remarks>
/// <para>
/// Set exactly one source: <see cref="Spec"/> (JSON text), <see cref="SpecFile"/> (a file read for every planner), or
/// <see cref="PlannerOptions"/> (code). <see cref="Configure"/> then adjusts what the source built, before each planner is
/// created: set what a spec does not carry (<see cref="TrainingPlannerOptions.MicroBatchRegrowthInterval"/>,
/// <see cref="TrainingPlannerOptions.NoiseDecay"/>), or give a schedule-only spec its <see cref="TrainingPlannerOptions.BatchSize"/>.
/// </para>
/// <para>
/// The options are named after the plan (<see cref="Microsoft.Extensions.Options.Options.DefaultName"/>, empty, for the default
/// plan) and validated when the host starts: every broken rule is reported at once, a spec error with the path of the
/// offending value, as a configuration path (<c>BatchLr:Plans:main:schedule:T_max</c>) when the spec came from configuration.
/// </para>
/// </remarks>
public sealed class BatchLrPlanOptions
{
    /// <summary>Gets or sets the spec, as JSON text that <see cref="ScheduleSpec.Parse(string)"/> reads.</summary>
    /// <value>The default is <see langword="null"/>: the plan comes from <see cref="SpecFile"/> or <see cref="PlannerOptions"/>.</value>
    public string? Spec { get; set; }

    /// <summary>Gets or sets the path of a file holding the spec, read when the options are validated and again for every planner.</summary>
    /// <value>The default is <see langword="null"/>: the plan comes from <see cref="Spec"/> or <see cref="PlannerOptions"/>. A relative path is relative to the process's current directory.</value>
    public string? SpecFile { get; set; }

    /// <summary>Gets or sets the configuration section the spec was read from, such as <c>BatchLr:Plans:main</c>.</summary>
    /// <value>
    /// The default is <see langword="null"/>. When set, spec errors name configuration paths
    /// (<c>BatchLr:Plans:main:schedule:T_max</c>) instead of JSON paths (<c>$.schedule.T_max</c>), and a plan without a spec
    /// says the section is missing.
    /// </value>
    public string? ConfigurationPath { get; set; }

    /// <summary>Gets or sets the code that builds the planner options, called for every planner with the dataset size given to <see cref="ITrainingPlannerFactory.Create"/>.</summary>
    /// <value>
    /// The default is <see langword="null"/>: the plan comes from a spec. The function must return new options with a new
    /// batch-size policy each call, since an adaptive policy keeps its state in itself. When it leaves
    /// <see cref="TrainingPlannerOptions.DatasetSize"/> unset, the dataset size given to the factory is used.
    /// </value>
    public Func<long?, TrainingPlannerOptions>? PlannerOptions { get; set; }

    /// <summary>Gets or sets code that adjusts the planner options the spec or <see cref="PlannerOptions"/> built, before each planner is created.</summary>
    /// <value>The default is <see langword="null"/>: the options are used as built.</value>
    public Action<TrainingPlannerOptions>? Configure { get; set; }
}
