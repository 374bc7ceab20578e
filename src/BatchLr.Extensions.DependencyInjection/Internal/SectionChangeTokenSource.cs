using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace BatchLr.Internal;

/// <summary>Tells the options monitor that a plan's configuration section changed, so the next planner reads the new spec.</summary>
/// <param name="name">The plan's name.</param>
/// <param name="section">The section the plan's spec is read from.</param>
internal sealed class SectionChangeTokenSource(string name, IConfigurationSection section) : IOptionsChangeTokenSource<BatchLrPlanOptions>
{
    public string Name => name;

    /// <summary>Gets the section's path, which tells a second registration of the same section from a new one.</summary>
    public string Path => section.Path;

    public IChangeToken GetChangeToken() => section.GetReloadToken();
}
