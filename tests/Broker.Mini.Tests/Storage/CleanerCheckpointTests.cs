using Samsa.Broker.Mini.Storage;

namespace Samsa.Broker.Mini.Tests.Storage;

/// <summary>The cleaner's <c>cleaner-offset-checkpoint</c> file: Kafka's text layout, and a restart resuming from it.</summary>
public sealed class CleanerCheckpointTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "samsa-cleaner-ckpt-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task CompactLogs_OnDisk_WritesKafkasCheckpointFile_AndARestartDoesNotRecleanFromZero()
    {
        var options = new MiniClusterOptions { Brokers = 2, DataDirectory = _dir, BrokerConfigs = { ["log.cleaner.enable"] = "false" } };
        var compacted = new Dictionary<string, string> { ["cleanup.policy"] = "compact", ["segment.bytes"] = "100" };
        string path0 = Path.Combine(_dir, "broker-0", CleanerCheckpointFile.FileName);
        await using (var cluster = await MiniCluster.StartAsync(options))
        {
            await cluster.CreateTopicAsync("c", partitions: 1, replicationFactor: 2, configs: compacted);
            await using var client = TestClient.Connect(cluster, LeaderOf(cluster));
            // Eleven distinct keys, one batch (and so one segment) each; the last is in the active segment. The first
            // pass keeps everything and checkpoints offset 10, the active segment's base.
            for (int i = 0; i < 11; i++) await client.SendAsync(TestClient.Produce("c", 0, TestClient.Batch(($"k{i}", "v"))), 9);
            cluster.CompactLogs();
            Assert.Equal("0\n1\nc 0 10\n", File.ReadAllText(path0));
            Assert.Equal("0\n1\nc 0 10\n", File.ReadAllText(Path.Combine(_dir, "broker-1", CleanerCheckpointFile.FileName)));

            // Two writes of one key past the checkpoint: 3 dirty segments of 13 is below min.cleanable.dirty.ratio 0.5.
            foreach (string key in new[] { "d", "d", "x" })
                await client.SendAsync(TestClient.Produce("c", 0, TestClient.Batch((key, key + "-value"))), 9);
        }
        await using (var cluster = await MiniCluster.StartAsync(options))
        {
            var log = cluster.State.Topics["c"].Partitions[0].Log;
            Assert.Equal(10, log.CleanerCheckpoint);
            Assert.Equal(0, cluster.CompactLogs());
            // Without the checkpoint the whole log would count as dirty (ratio 1) and the first "d" would go.
            await using var client = TestClient.Connect(cluster, LeaderOf(cluster));
            var records = new List<(long, string)>();
            for (long offset = 10; offset < 14; offset++)
            {
                var fetch = await client.SendAsync(TestClient.Fetch("c", 0, offset), 11);
                records.AddRange(TestClient.Records(fetch.Responses[0].Partitions[0].Records).Select(r => (r.Offset, r.Key!)));
            }
            Assert.Equal([(10L, "k10"), (11L, "d"), (12L, "d"), (13L, "x")], records);
        }
    }

    [Fact]
    public void Read_MalformedOrMissingFile_GivesNoCheckpoints_AndWriteReadRoundTrips()
    {
        string path = Path.Combine(_dir, CleanerCheckpointFile.FileName);
        Assert.Empty(CleanerCheckpointFile.Read(path));
        CleanerCheckpointFile.Write(path, [("a", 0, 5), ("b.c-d", 12, 1_000_000_000_000)]);
        Assert.Equal("0\n2\na 0 5\nb.c-d 12 1000000000000\n", File.ReadAllText(path));
        Assert.Equal(1_000_000_000_000, CleanerCheckpointFile.Read(path)[("b.c-d", 12)]);
        File.WriteAllText(path, "1\n1\na 0 5\n");       // an unknown version
        Assert.Empty(CleanerCheckpointFile.Read(path));
        File.WriteAllText(path, "0\n2\na 0 5\n");       // fewer lines than counted
        Assert.Empty(CleanerCheckpointFile.Read(path));
    }

    private static int LeaderOf(MiniCluster cluster)
    {
        lock (cluster.State.Sync) return cluster.State.Topics["c"].Partitions[0].Leader;
    }
}
