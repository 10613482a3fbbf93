using System.Runtime.CompilerServices;
using Samsa.Protocol.Records;

namespace Samsa.Producer.Partitioning;

/// <summary>The built-in partitioners, by Java and librdkafka names.</summary>
public static class Partitioners
{
    /// <summary>Returned by a partitioner to ask for the built-in uniform sticky choice.</summary>
    public const int UseSticky = -1;

    /// <summary>
    /// Kafka's default (Java client): murmur2 for keyed records, uniform sticky for null keys. Identical key
    /// placement to librdkafka's <c>murmur2_random</c>.
    /// </summary>
    public static IPartitioner Default { get; } = new HashPartitioner(Murmur2.Partition, nullKeysSticky: true);

    /// <summary>librdkafka's default <c>consistent_random</c>: CRC-32 of the key for keyed records, sticky for null keys.</summary>
    public static IPartitioner ConsistentRandom { get; } = new HashPartitioner(Crc32Partition, nullKeysSticky: true);

    /// <summary>librdkafka's <c>consistent</c>: CRC-32 of the key; a null key hashes like an empty one.</summary>
    public static IPartitioner Consistent { get; } = new HashPartitioner(Crc32Partition, nullKeysSticky: false);

    /// <summary>librdkafka's <c>murmur2</c>: murmur2 of the key; a null key hashes like an empty one.</summary>
    public static IPartitioner Murmur2Consistent { get; } = new HashPartitioner(Murmur2.Partition, nullKeysSticky: false);

    /// <summary>librdkafka's <c>fnv1a_random</c>: FNV-1a of the key, sticky for null keys.</summary>
    public static IPartitioner Fnv1aRandom { get; } = new HashPartitioner(Fnv1aPartition, nullKeysSticky: true);

    /// <summary>Java's <c>RoundRobinPartitioner</c>: every record to the next partition, ignoring keys.</summary>
    public static IPartitioner RoundRobin => new RoundRobinPartitioner();

    /// <summary>
    /// Resolves a partitioner by its Java or librdkafka configuration name: <c>default</c>, <c>murmur2_random</c>,
    /// <c>murmur2</c>, <c>consistent_random</c>, <c>consistent</c>, <c>fnv1a_random</c>, <c>round_robin</c>
    /// (or Java's class name <c>org.apache.kafka.clients.producer.RoundRobinPartitioner</c>).
    /// </summary>
    public static IPartitioner FromName(string name) => name switch
    {
        "default" or "murmur2_random" => Default,
        "murmur2" => Murmur2Consistent,
        "consistent_random" => ConsistentRandom,
        "consistent" => Consistent,
        "fnv1a_random" => Fnv1aRandom,
        "round_robin" or "org.apache.kafka.clients.producer.RoundRobinPartitioner" => RoundRobin,
        _ => throw new ArgumentException($"Unknown partitioner '{name}'.", nameof(name)),
    };

    /// <summary>librdkafka's consistent placement: CRC-32 (IEEE) of the key, unsigned, modulo the count.</summary>
    internal static int Crc32Partition(ReadOnlySpan<byte> key, int partitionCount) => (int)(Crc32.Compute(key) % (uint)partitionCount);

    /// <summary>
    /// librdkafka's FNV-1a placement: the 32-bit FNV-1a hash taken as a signed value, made non-negative (as Sarama's
    /// hash partitioner does; int.MinValue stays as is), then unsigned modulo the count.
    /// </summary>
    internal static int Fnv1aPartition(ReadOnlySpan<byte> key, int partitionCount)
    {
        uint h = 0x811C9DC5;
        foreach (byte b in key)
        {
            h ^= b;
            h *= 0x01000193;
        }
        int signed = unchecked((int)h);
        if (signed < 0) signed = unchecked(-signed);
        return (int)(unchecked((uint)signed) % (uint)partitionCount);
    }

    private sealed class HashPartitioner(Func<ReadOnlySpan<byte>, int, int> place, bool nullKeysSticky) : IPartitioner
    {
        public int Partition(string topic, ReadOnlySpan<byte> key, bool keyIsNull, int partitionCount)
        {
            if (keyIsNull && nullKeysSticky) return UseSticky;
            return place(keyIsNull ? default : key, partitionCount);
        }
    }

    private sealed class RoundRobinPartitioner : IPartitioner
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, StrongBox<int>> _counters = new(StringComparer.Ordinal);

        public int Partition(string topic, ReadOnlySpan<byte> key, bool keyIsNull, int partitionCount)
        {
            var counter = _counters.GetOrAdd(topic, static _ => new StrongBox<int>(-1));
            int next = Interlocked.Increment(ref counter.Value);
            return (next & 0x7fffffff) % partitionCount;
        }
    }
}
