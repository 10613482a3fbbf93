using System.Collections;
using System.Reflection;
using Samsa.Protocol.Messages;

namespace Samsa.Protocol.Tests.Messages;

/// <summary>
/// Fills a generated message with non-default values in every field that exists at a version,
/// guided by the <see cref="KafkaFieldAttribute"/> the generator puts on each property.
/// </summary>
internal sealed class MessageFiller(int seed, bool useNulls = true)
{
    private readonly Random _random = new(seed);

    public static IEnumerable<Type> MessageTypes() =>
        typeof(IKafkaMessage).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsNested && typeof(IKafkaMessage).IsAssignableFrom(t) && t.Namespace == "Samsa.Protocol.Messages")
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    public static short FirstFlexible(Type top) => (short)top.GetField("FirstFlexibleVersion")!.GetValue(null)!;

    public void Fill(object message, short version, bool flexible)
    {
        foreach (var prop in message.GetType().GetProperties())
        {
            var attr = prop.GetCustomAttribute<KafkaFieldAttribute>();
            if (attr is null) continue;
            if (!InRange(attr.Versions, version)) continue;
            if (attr.Tag >= 0 && (!flexible || !InRange(attr.TaggedVersions, version))) continue;
            bool nullable = InRange(attr.NullableVersions, version);
            if (nullable && useNulls && _random.Next(5) == 0)
            {
                if (!prop.PropertyType.IsValueType || Nullable.GetUnderlyingType(prop.PropertyType) is not null)
                {
                    prop.SetValue(message, null);
                    continue;
                }
            }
            prop.SetValue(message, Value(prop.PropertyType, version, flexible));
        }
        if (flexible)
        {
            var unknown = message.GetType().GetProperty("UnknownTaggedFields")!;
            if (_random.Next(2) == 0)
                unknown.SetValue(message, new List<RawTaggedField> { new(10_000 + _random.Next(100), [1, 2, (byte)_random.Next(256)]) });
        }
    }

    private object Value(Type type, short version, bool flexible)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(bool)) return true;
        if (underlying == typeof(sbyte)) return (sbyte)_random.Next(1, 127);
        if (underlying == typeof(short)) return (short)_random.Next(1, short.MaxValue);
        if (underlying == typeof(ushort)) return (ushort)_random.Next(1, ushort.MaxValue);
        if (underlying == typeof(int)) return _random.Next(1, int.MaxValue);
        if (underlying == typeof(uint)) return (uint)_random.Next(1, int.MaxValue) + 7u;
        if (underlying == typeof(long)) return _random.NextInt64(1, long.MaxValue);
        if (underlying == typeof(double)) return _random.NextDouble() + 0.5;
        if (underlying == typeof(string)) return _random.Next(4) == 0 ? "héllo-" + _random.Next(1000) : "s" + _random.Next(100_000);
        if (underlying == typeof(Uuid)) return new Uuid(_random.NextInt64(1, long.MaxValue), _random.NextInt64());
        if (underlying == typeof(byte[])) return RandomBytes(1 + _random.Next(6));
        if (underlying == typeof(ReadOnlyMemory<byte>)) return new ReadOnlyMemory<byte>(RandomBytes(1 + _random.Next(20)));
        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(List<>))
        {
            var elementType = underlying.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(underlying)!;
            int count = 1 + _random.Next(2);
            for (int i = 0; i < count; i++) list.Add(Value(elementType, version, flexible));
            return list;
        }
        var structValue = Activator.CreateInstance(underlying)!;
        Fill(structValue, version, flexible);
        return structValue;
    }

    private byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        _random.NextBytes(bytes);
        return bytes;
    }

    public static bool InRange(string versions, short v)
    {
        if (versions == "none") return false;
        if (versions.EndsWith('+')) return v >= short.Parse(versions[..^1]);
        int dash = versions.IndexOf('-');
        if (dash > 0) return v >= short.Parse(versions[..dash]) && v <= short.Parse(versions[(dash + 1)..]);
        return v == short.Parse(versions);
    }
}
