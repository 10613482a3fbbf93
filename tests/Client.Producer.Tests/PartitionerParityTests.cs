using Samsa.Producer.Partitioning;
using Samsa.Testing;

namespace Samsa.Producer.Tests;

/// <summary>Key placement must match the Java client (via kafka-python's port of it) and librdkafka exactly.</summary>
public class PartitionerParityTests
{
    [PeerFact("python3-kafka")]
    public async Task Murmur2_1200Keys_MatchesKafkaPythonJavaPort()
    {
        var keysHex = string.Join('\n', PartitionKeyCorpus.Keys.Select(Convert.ToHexString));
        const string script = """
            import sys
            from kafka.partitioner.default import murmur2
            for line in sys.stdin.read().split('\n'):
                print(murmur2(bytearray(bytes.fromhex(line))))
            """;
        var result = await ProcessRunner.RunAsync(Peers.Python3, ["-c", script], keysHex, TimeSpan.FromSeconds(60));
        result.EnsureSuccess();
        var expected = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(uint.Parse).ToArray();
        Assert.Equal(PartitionKeyCorpus.Keys.Count, expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            var key = PartitionKeyCorpus.Keys[i];
            Assert.True(expected[i] == (uint)Murmur2.Hash(key), $"key {Convert.ToHexString(key)}");
            for (int partitions = 1; partitions <= 100; partitions++)
                Assert.Equal((int)((expected[i] & 0x7fffffff) % partitions), Partitioners.Default.Partition("t", key, keyIsNull: false, partitions));
        }
    }

    [PeerFact("librdkafka")]
    public void DefaultPartitioner_1200KeysTimes100Counts_MatchesLibrdkafkaMurmur2Random()
    {
        foreach (var key in PartitionKeyCorpus.Keys)
            for (int partitions = 1; partitions <= 100; partitions++)
            {
                Assert.Equal(LibrdkafkaPartitioners.Murmur2Random(key, partitions), Partitioners.Default.Partition("t", key, false, partitions));
                Assert.Equal(LibrdkafkaPartitioners.Murmur2(key, partitions), Partitioners.Murmur2Consistent.Partition("t", key, false, partitions));
            }
    }

    [PeerFact("librdkafka")]
    public void ConsistentAndFnv1a_1200KeysTimes100Counts_MatchLibrdkafka()
    {
        foreach (var key in PartitionKeyCorpus.Keys)
            for (int partitions = 1; partitions <= 100; partitions++)
            {
                Assert.True(LibrdkafkaPartitioners.Consistent(key, partitions) == Partitioners.ConsistentRandom.Partition("t", key, false, partitions),
                    $"key {Convert.ToHexString(key)} over {partitions}: librdkafka {LibrdkafkaPartitioners.Consistent(key, partitions)}");
                Assert.Equal(LibrdkafkaPartitioners.Consistent(key, partitions), Partitioners.Consistent.Partition("t", key, false, partitions));
                Assert.Equal(LibrdkafkaPartitioners.Fnv1a(key, partitions), Partitioners.Fnv1aRandom.Partition("t", key, false, partitions));
            }
    }

    [PeerFact("librdkafka")]
    public void NullKey_ConsistentVariants_MatchLibrdkafkaEmptyKey()
    {
        for (int partitions = 1; partitions <= 100; partitions++)
        {
            Assert.Equal(LibrdkafkaPartitioners.Consistent([], partitions), Partitioners.Consistent.Partition("t", default, true, partitions));
            Assert.Equal(LibrdkafkaPartitioners.Murmur2([], partitions), Partitioners.Murmur2Consistent.Partition("t", default, true, partitions));
        }
    }

    [Fact]
    public void NullKey_RandomVariants_DelegateToSticky()
    {
        Assert.Equal(Partitioners.UseSticky, Partitioners.Default.Partition("t", default, true, 12));
        Assert.Equal(Partitioners.UseSticky, Partitioners.ConsistentRandom.Partition("t", default, true, 12));
        Assert.Equal(Partitioners.UseSticky, Partitioners.Fnv1aRandom.Partition("t", default, true, 12));
    }

    [Fact]
    public void RoundRobin_CyclesPerTopicIgnoringKeys()
    {
        var partitioner = Partitioners.RoundRobin;
        var seen = Enumerable.Range(0, 6).Select(_ => partitioner.Partition("a", "k"u8, false, 3)).ToArray();
        Assert.Equal([0, 1, 2, 0, 1, 2], seen);
        Assert.Equal(0, partitioner.Partition("b", "k"u8, false, 3));
    }

    [Fact]
    public void FromName_KnownNames_ResolveAndUnknownThrows()
    {
        Assert.Same(Partitioners.Default, Partitioners.FromName("murmur2_random"));
        Assert.Same(Partitioners.ConsistentRandom, Partitioners.FromName("consistent_random"));
        Assert.Throws<ArgumentException>(() => Partitioners.FromName("nope"));
    }
}
