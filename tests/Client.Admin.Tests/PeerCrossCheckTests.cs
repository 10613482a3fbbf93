using System.Text.Json;

namespace Samsa.Admin.Tests;

/// <summary>Topics we create, as third-party clients see them (kcat, kafka-python's KafkaAdminClient).</summary>
public sealed class PeerCrossCheckTests
{
    private static readonly Dictionary<string, string?> Configs = new() { ["cleanup.policy"] = "compact", ["retention.ms"] = "86400000", ["max.message.bytes"] = "65536" };

    private static async Task<(Broker.Mini.MiniCluster Cluster, AdminClient Admin)> CreateAsync()
    {
        var cluster = await AdminKit.StartAsync(3);
        var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.CreateTopicsAsync([
            new NewTopic("alpha", 6, 2) { Configs = Configs },
            new NewTopic("beta") { ReplicaAssignments = new Dictionary<int, IReadOnlyList<int>> { [0] = [1, 2, 0], [1] = [2, 0, 1] } },
        ], cancellationToken: AdminKit.Token)).ThrowOnError();
        return (cluster, admin);
    }

    [PeerFact("kcat")]
    public async Task CreatedTopics_SeenByKcat_WithSamePartitionsAndReplicas()
    {
        var (cluster, admin) = await CreateAsync();
        await using var _ = cluster;
        await using var __ = admin;
        var ours = (await admin.DescribeTopicsAsync(["alpha", "beta"], cancellationToken: AdminKit.Token)).Values();

        var text = (await ProcessRunner.RunAsync("kcat", ["-L", "-b", cluster.BootstrapServers], timeout: AdminKit.Guard)).EnsureSuccess().StandardOutput;
        Assert.Contains("topic \"alpha\" with 6 partitions:", text);
        Assert.Contains("topic \"beta\" with 2 partitions:", text);

        var json = (await ProcessRunner.RunAsync("kcat", ["-L", "-J", "-b", cluster.BootstrapServers], timeout: AdminKit.Guard)).EnsureSuccess().StandardOutput;
        using var doc = JsonDocument.Parse(json);
        var topics = doc.RootElement.GetProperty("topics").EnumerateArray().ToDictionary(t => t.GetProperty("topic").GetString()!);
        foreach (var name in new[] { "alpha", "beta" })
        {
            var partitions = topics[name].GetProperty("partitions").EnumerateArray().OrderBy(p => p.GetProperty("partition").GetInt32()).ToList();
            Assert.Equal(ours[name].Partitions.Count, partitions.Count);
            foreach (var (mine, theirs) in ours[name].Partitions.Zip(partitions))
            {
                Assert.Equal(mine.Partition, theirs.GetProperty("partition").GetInt32());
                Assert.Equal(mine.LeaderId, theirs.GetProperty("leader").GetInt32());
                Assert.Equal(mine.Replicas, theirs.GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("id").GetInt32()));
                Assert.Equal(mine.Isr.Order(), theirs.GetProperty("isrs").EnumerateArray().Select(r => r.GetProperty("id").GetInt32()).Order());
            }
        }
        Assert.Equal([1, 2, 0], ours["beta"].Partitions[0].Replicas);
    }

    [PeerFact("python3-kafka")]
    public async Task CreatedTopics_SeenByKafkaPythonAdmin_WithSamePartitionsAndConfigs()
    {
        var (cluster, admin) = await CreateAsync();
        await using var _ = cluster;
        await using var __ = admin;
        const string script = """
            import json, sys
            from kafka import KafkaAdminClient
            from kafka.admin import ConfigResource, ConfigResourceType
            admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id="cross-check")
            topics = admin.describe_topics(["alpha", "beta"])
            out = {"topics": {t["topic"]: sorted([[p["partition"], p["leader"], p["replicas"], sorted(p["isr"])] for p in t["partitions"]]) for t in topics}}
            resp = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, "alpha")])
            configs = {}
            for r in resp:
                for res in r.resources:
                    for entry in res[4]:
                        configs[entry[0]] = entry[1]
            out["configs"] = configs
            admin.close()
            print(json.dumps(out))
            """;
        var result = (await ProcessRunner.RunAsync(Peers.Python3, ["-c", script, cluster.BootstrapServers], timeout: AdminKit.Guard)).EnsureSuccess();
        using var doc = JsonDocument.Parse(result.StandardOutput.Trim().Split('\n')[^1]);
        var ours = (await admin.DescribeTopicsAsync(["alpha", "beta"], cancellationToken: AdminKit.Token)).Values();
        foreach (var name in new[] { "alpha", "beta" })
        {
            var theirs = doc.RootElement.GetProperty("topics").GetProperty(name).EnumerateArray().ToList();
            Assert.Equal(ours[name].Partitions.Count, theirs.Count);
            foreach (var (mine, row) in ours[name].Partitions.Zip(theirs))
            {
                var cells = row.EnumerateArray().ToList();
                Assert.Equal(mine.Partition, cells[0].GetInt32());
                Assert.Equal(mine.LeaderId, cells[1].GetInt32());
                Assert.Equal(mine.Replicas, cells[2].EnumerateArray().Select(x => x.GetInt32()));
                Assert.Equal(mine.Isr.Order(), cells[3].EnumerateArray().Select(x => x.GetInt32()));
            }
        }
        var pythonConfigs = doc.RootElement.GetProperty("configs");
        var ourConfigs = (await admin.DescribeConfigsAsync([ConfigResource.Topic("alpha")], cancellationToken: AdminKit.Token)).At(0).Value;
        foreach (var (key, value) in Configs) Assert.Equal(value, pythonConfigs.GetProperty(key).GetString());
        foreach (var entry in pythonConfigs.EnumerateObject()) Assert.Equal(ourConfigs[entry.Name].Value, entry.Value.ValueKind == JsonValueKind.Null ? null : entry.Value.GetString());
    }
}
