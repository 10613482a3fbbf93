using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Samsa.Client;

/// <summary>
/// Binds Kafka-style keys (<c>bootstrap.servers</c>, <c>request.timeout.ms</c>…) onto an options object whose properties
/// carry <see cref="KafkaConfigKeyAttribute"/>. Works for <see cref="KafkaClientOptions"/> and its subclasses.
/// </summary>
public static class KafkaConfigBinder
{
    /// <summary>
    /// Sets each known key on <paramref name="options"/> and returns the keys it did not recognise (Kafka warns about
    /// these rather than failing, so a shared configuration can carry producer and consumer keys together).
    /// Throws <see cref="KafkaConfigException"/> (an <see cref="ArgumentException"/>) naming the key when a value cannot be converted.
    /// </summary>
    public static IReadOnlyList<string> Bind(object options, IEnumerable<KeyValuePair<string, string?>> values)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(values);
        var map = KeysOf(options.GetType());
        var unknown = new List<string>();
        foreach (var (key, value) in values)
        {
            if (!map.TryGetValue(key, out var property))
            {
                unknown.Add(key);
                continue;
            }
            property.SetValue(options, Convert(key, value, property.PropertyType));
        }
        return unknown;
    }

    /// <summary>
    /// Like <see cref="Bind(object, IEnumerable{KeyValuePair{string, string}})"/>, but an unknown key is an error too:
    /// throws <see cref="KafkaConfigException"/> naming the first key that is unknown or has a bad value.
    /// </summary>
    public static void BindStrict(object options, IEnumerable<KeyValuePair<string, string?>> values)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(values);
        var map = KeysOf(options.GetType());
        var pairs = values.ToList();
        foreach (var (key, _) in pairs)
        {
            if (!map.ContainsKey(key))
                throw new KafkaConfigException(key, $"Unknown Kafka configuration '{key}' for {options.GetType().Name}.");
        }
        Bind(options, pairs);
    }

    /// <summary>Like <see cref="BindStrict(object, IEnumerable{KeyValuePair{string, string}})"/> over a configuration section's leaves.</summary>
    public static void BindStrict(object options, IConfiguration section) => BindStrict(options, Leaves(section));

    /// <summary>Binds every leaf of a configuration section, for example <c>Kafka</c> holding <c>bootstrap.servers</c>.</summary>
    public static IReadOnlyList<string> Bind(object options, IConfiguration section) => Bind(options, Leaves(section));

    private static List<KeyValuePair<string, string?>> Leaves(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var pairs = new List<KeyValuePair<string, string?>>();
        foreach (var child in section.GetChildren())
        {
            if (child.Value is not null) pairs.Add(new(child.Key, child.Value));
        }
        return pairs;
    }

    /// <summary>The Kafka keys an options type understands.</summary>
    public static IReadOnlyCollection<string> KnownKeys(Type optionsType) => KeysOf(optionsType).Keys;

    private static Dictionary<string, PropertyInfo> KeysOf(Type type)
    {
        var map = new Dictionary<string, PropertyInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<KafkaConfigKeyAttribute>() is { } attribute && property.CanWrite)
                map[attribute.Key] = property;
        }
        return map;
    }

    private static object? Convert(string key, string? value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (value is null) return type.IsValueType && target == type ? throw Bad(key, value) : null;
        try
        {
            if (target == typeof(string)) return value;
            if (target == typeof(int)) return int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (target == typeof(short)) return short.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (target == typeof(long)) return long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (target == typeof(bool)) return bool.Parse(value);
            if (target == typeof(double)) return double.Parse(value, CultureInfo.InvariantCulture);
            if (target.IsEnum)
            {
                string normalized = value.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
                if (Enum.TryParse(target, normalized, ignoreCase: true, out var parsed) && !int.TryParse(normalized, out _))
                    return parsed;
                throw Bad(key, value);
            }
        }
        catch (FormatException e)
        {
            throw Bad(key, value, e);
        }
        catch (OverflowException e)
        {
            throw Bad(key, value, e);
        }
        throw new KafkaConfigException(key, $"Kafka configuration '{key}' has an unsupported property type {type.Name}.");
    }

    private static KafkaConfigException Bad(string key, string? value, Exception? inner = null) =>
        new(key, $"Invalid value '{value}' for Kafka configuration '{key}'" + (inner is null ? "." : $": {inner.Message}"), inner);
}

/// <summary>A Kafka-style configuration key that is unknown or whose value cannot be used; <see cref="Key"/> names it.</summary>
public sealed class KafkaConfigException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public KafkaConfigException(string key, string message, Exception? innerException = null)
        : base(message, key, innerException)
    {
        Key = key;
    }

    /// <summary>The offending key, for example <c>request.timeout.ms</c>.</summary>
    public string Key { get; }
}
