namespace BatchLr.Configuration;

/// <summary>Names the JSON shape a spec parameter takes.</summary>
internal enum SpecParameterKind
{
    /// <summary>A finite number.</summary>
    Number,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary>A JSON <c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>One of a fixed set of strings.</summary>
    Choice,

    /// <summary>An array of finite numbers.</summary>
    Numbers,

    /// <summary>A number for every parameter group, or an array with one number per group.</summary>
    PerGroup,

    /// <summary>A nested schedule object.</summary>
    Schedule,

    /// <summary>An array of nested schedule objects.</summary>
    Schedules,
}
