using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace BatchLr.Internal;

/// <summary>Validates every plan's options: one source, and a spec that parses and describes a training plan; every broken rule at once.</summary>
internal sealed class BatchLrPlanOptionsValidator : IValidateOptions<BatchLrPlanOptions>
{
    public ValidateOptionsResult Validate(string? name, BatchLrPlanOptions options)
    {
        List<string> failures = PlanBuilder.Check(name ?? Options.DefaultName, options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
