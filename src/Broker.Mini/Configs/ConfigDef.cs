using System.Globalization;

namespace Samsa.Broker.Mini.Configs;

/// <summary>Kafka's config value types, numbered as DescribeConfigs v3+ reports them.</summary>
internal enum ConfigType : sbyte
{
    Unknown = 0, Boolean = 1, String = 2, Int = 3, Short = 4, Long = 5, Double = 6, List = 7, Class = 8, Password = 9,
}

/// <summary>Where a config value came from, numbered as DescribeConfigs v1+ reports it.</summary>
internal enum ConfigSource : sbyte
{
    Unknown = 0, DynamicTopicConfig = 1, DynamicBrokerConfig = 2, DynamicDefaultBrokerConfig = 3,
    StaticBrokerConfig = 4, DefaultConfig = 5, DynamicBrokerLoggerConfig = 6,
}

/// <summary>One config key: its Kafka name, type, default, broker synonym and validation.</summary>
internal sealed record ConfigDef(
    string Name, ConfigType Type, string? Default, string Doc,
    string? BrokerSynonym = null, long? Min = null, long? Max = null, string[]? ValidValues = null,
    bool ReadOnly = false, bool Sensitive = false)
{
    /// <summary>Returns null when <paramref name="value"/> is valid for this key, otherwise why not (Kafka's wording where practical).</summary>
    public string? Check(string? value)
    {
        if (value is null) return Default is null ? null : $"Null value not supported for {Name}";
        switch (Type)
        {
            case ConfigType.Boolean:
                if (!bool.TryParse(value.Trim(), out _)) return Invalid(value, "Expected value to be either true or false");
                break;
            case ConfigType.Int:
            case ConfigType.Short:
            case ConfigType.Long:
                if (!long.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n))
                    return Invalid(value, $"Not a number of type {Type.ToString().ToUpperInvariant()}");
                if (Type == ConfigType.Int && (n < int.MinValue || n > int.MaxValue)) return Invalid(value, "Not a number of type INT");
                if (Type == ConfigType.Short && (n < short.MinValue || n > short.MaxValue)) return Invalid(value, "Not a number of type SHORT");
                if (Min is { } min && n < min) return Invalid(value, $"Value must be at least {min}");
                if (Max is { } max && n > max) return Invalid(value, $"Value must be no more than {max}");
                break;
            case ConfigType.Double:
                if (!double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
                    return Invalid(value, "Not a number of type DOUBLE");
                if (Min is { } dmin && d < dmin) return Invalid(value, $"Value must be at least {dmin}");
                if (Max is { } dmax && d > dmax) return Invalid(value, $"Value must be no more than {dmax}");
                break;
            case ConfigType.List:
                if (ValidValues is not null)
                {
                    foreach (var item in SplitList(value))
                        if (!ValidValues.Contains(item, StringComparer.Ordinal))
                            return Invalid(value, $"String must be one of: {string.Join(", ", ValidValues)}");
                }
                return null;
        }
        if (Type != ConfigType.List && ValidValues is not null && !ValidValues.Contains(value, StringComparer.Ordinal))
            return Invalid(value, $"String must be one of: {string.Join(", ", ValidValues)}");
        return null;
    }

    /// <summary>Splits a comma-separated list value the way Kafka does (trimmed, empty items dropped).</summary>
    public static string[] SplitList(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private string Invalid(string value, string why) => $"Invalid value {value} for configuration {Name}: {why}";
}
