using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// Resets response fields that the negotiated version cannot carry to their spec defaults, so handlers can fill in
/// everything they know once and the generated writer (which rejects non-default values in versions lacking a
/// non-ignorable field) accepts the message at every version. Kafka's own serializers drop such fields the same way.
/// </summary>
internal static class ResponseSanitizer
{
    private sealed record FieldInfo(PropertyInfo Property, short Low, short High, bool Ignorable, object? Default, bool Recurse);

    private static readonly ConcurrentDictionary<Type, FieldInfo[]> s_fields = new();

    public static void Sanitize(IKafkaMessage message, short version)
    {
        Walk(message, version);
    }

    private static void Walk(object message, short version)
    {
        foreach (var f in Fields(message.GetType()))
        {
            bool present = version >= f.Low && version <= f.High;
            object? value = f.Property.GetValue(message);
            if (!present)
            {
                if (!f.Ignorable && !Equals(value, f.Default) && !(value is IList { Count: 0 } && f.Default is IList { Count: 0 }))
                    f.Property.SetValue(message, f.Default is IList ? Activator.CreateInstance(f.Property.PropertyType) : f.Default);
                continue;
            }
            if (!f.Recurse || value is null) continue;
            if (value is IList list)
            {
                foreach (var item in list)
                    if (item is not null and not string && item.GetType().IsClass) Walk(item, version);
            }
            else Walk(value, version);
        }
    }

    private static FieldInfo[] Fields(Type type) => s_fields.GetOrAdd(type, static t =>
    {
        object? instance = Activator.CreateInstance(t);
        var result = new List<FieldInfo>();
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var attr = p.GetCustomAttribute<KafkaFieldAttribute>();
            if (attr is null || !p.CanWrite) continue;
            var (low, high) = ParseVersions(attr.Versions);
            var propertyType = p.PropertyType;
            var elementType = propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(List<>)
                ? propertyType.GetGenericArguments()[0] : propertyType;
            bool recurse = elementType.IsClass && elementType != typeof(string) && elementType.GetProperties().Any(x => x.GetCustomAttribute<KafkaFieldAttribute>() is not null);
            result.Add(new FieldInfo(p, low, high, attr.Ignorable, p.GetValue(instance), recurse));
        }
        return result.ToArray();
    });

    private static (short Low, short High) ParseVersions(string versions)
    {
        if (versions == "none") return (short.MaxValue, short.MinValue);
        if (versions.EndsWith('+')) return (short.Parse(versions[..^1], System.Globalization.CultureInfo.InvariantCulture), short.MaxValue);
        int dash = versions.IndexOf('-');
        if (dash > 0)
            return (short.Parse(versions[..dash], System.Globalization.CultureInfo.InvariantCulture),
                short.Parse(versions[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        short v = short.Parse(versions, System.Globalization.CultureInfo.InvariantCulture);
        return (v, v);
    }
}
