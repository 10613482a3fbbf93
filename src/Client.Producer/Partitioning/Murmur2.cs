using System.Buffers.Binary;

namespace Samsa.Producer.Partitioning;

/// <summary>
/// The 32-bit murmur2 hash exactly as Kafka's Java client computes it (seed 0x9747b28c), which places keyed
/// records on partitions; librdkafka's <c>murmur2</c> and <c>murmur2_random</c> partitioners use the same hash.
/// </summary>
public static class Murmur2
{
    private const uint Seed = 0x9747b28c;
    private const uint M = 0x5bd1e995;
    private const int R = 24;

    /// <summary>Hashes <paramref name="data"/>.</summary>
    public static int Hash(ReadOnlySpan<byte> data)
    {
        int length = data.Length;
        uint h = Seed ^ (uint)length;
        int blocks = length & ~3;
        for (int i = 0; i < blocks; i += 4)
        {
            uint k = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i, 4));
            k *= M;
            k ^= k >> R;
            k *= M;
            h *= M;
            h ^= k;
        }
        switch (length & 3)
        {
            case 3:
                h ^= (uint)data[blocks + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[blocks + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[blocks];
                h *= M;
                break;
        }
        h ^= h >> 13;
        h *= M;
        h ^= h >> 15;
        return (int)h;
    }

    /// <summary>The partition Kafka's default partitioner gives a non-null key: positive murmur2 modulo the count.</summary>
    public static int Partition(ReadOnlySpan<byte> key, int partitionCount) => (Hash(key) & 0x7fffffff) % partitionCount;
}
