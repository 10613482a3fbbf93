using System.Runtime.InteropServices;
using Samsa.Testing;

namespace Samsa.Producer.Tests;

/// <summary>librdkafka's own exported partitioner functions (rdkafka.h), called directly.</summary>
internal static unsafe partial class LibrdkafkaPartitioners
{
    // librdkafka tells a null key (NULL pointer) from an empty one by the pointer, and `fixed` over an empty
    // array yields NULL; an empty key therefore points into this one-byte buffer.
    private static readonly byte[] EmptyKeyStorage = new byte[1];

    private static byte[] Pin(byte[] key) => key.Length == 0 ? EmptyKeyStorage : key;

    [LibraryImport(Peers.LibrdkafkaSoName)]
    private static partial int rd_kafka_msg_partitioner_murmur2_random(nint rkt, byte* key, nuint keylen, int partitionCount, nint rktOpaque, nint msgOpaque);

    [LibraryImport(Peers.LibrdkafkaSoName)]
    private static partial int rd_kafka_msg_partitioner_murmur2(nint rkt, byte* key, nuint keylen, int partitionCount, nint rktOpaque, nint msgOpaque);

    [LibraryImport(Peers.LibrdkafkaSoName)]
    private static partial int rd_kafka_msg_partitioner_consistent(nint rkt, byte* key, nuint keylen, int partitionCount, nint rktOpaque, nint msgOpaque);

    [LibraryImport(Peers.LibrdkafkaSoName)]
    private static partial int rd_kafka_msg_partitioner_fnv1a(nint rkt, byte* key, nuint keylen, int partitionCount, nint rktOpaque, nint msgOpaque);

    public static int Murmur2Random(byte[] key, int count) { fixed (byte* p = Pin(key)) return rd_kafka_msg_partitioner_murmur2_random(0, p, (nuint)key.Length, count, 0, 0); }

    public static int Murmur2(byte[] key, int count) { fixed (byte* p = Pin(key)) return rd_kafka_msg_partitioner_murmur2(0, p, (nuint)key.Length, count, 0, 0); }

    public static int Consistent(byte[] key, int count) { fixed (byte* p = Pin(key)) return rd_kafka_msg_partitioner_consistent(0, p, (nuint)key.Length, count, 0, 0); }

    public static int Fnv1a(byte[] key, int count) { fixed (byte* p = Pin(key)) return rd_kafka_msg_partitioner_fnv1a(0, p, (nuint)key.Length, count, 0, 0); }
}
