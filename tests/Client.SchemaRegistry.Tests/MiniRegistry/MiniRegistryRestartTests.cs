using System.Text.Json;
using Samsa.Consumer;
using Samsa.SchemaRegistry.Client;
using Samsa.SchemaRegistry.Compatibility;
using static Samsa.SchemaRegistry.Tests.MiniRegistry.Schemas;

namespace Samsa.SchemaRegistry.Tests.MiniRegistry;

/// <summary>The registry's state lives in the <c>_schemas</c> topic and comes back after a restart with a data directory.</summary>
public sealed class MiniRegistryRestartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("samsa-registry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Restart_WithDataDirectory_KeepsSchemasConfigAndDeletes()
    {
        int v1, v2, other;
        await using (var host = await MiniRegistryHost.StartAsync(_dir))
        {
            var c = host.Client;
            v1 = await c.RegisterSchemaAsync("t-value", S(UserV1));
            v2 = await c.RegisterSchemaAsync("t-value", S(UserV2));
            other = await c.RegisterSchemaAsync("gone-value", S(Record("Gone", Field("g", "\"long\""))));
            await c.DeleteSubjectAsync("gone-value");
            await c.SetCompatibilityAsync(CompatibilityLevel.Full, "t-value");
            await c.SetCompatibilityAsync(CompatibilityLevel.Forward);
            await c.DeleteSchemaVersionAsync("t-value", 1);
        }

        await using (var host = await MiniRegistryHost.StartAsync(_dir))
        {
            var c = host.Client;
            Assert.Equal(["t-value"], await c.GetSubjectsAsync());
            Assert.Equal([2], await c.GetVersionsAsync("t-value"));
            Assert.Equal(v2, (await c.GetLatestSchemaAsync("t-value")).Id);
            Assert.Equal(40403, (await Assert.ThrowsAsync<SchemaRegistryException>(() => c.LookupSchemaAsync("t-value", S(UserV1)))).ErrorCode);
            Assert.Contains("User", (await c.GetSchemaByIdAsync(v1)).Schema, StringComparison.Ordinal);
            Assert.Equal(CompatibilityLevel.Full, await c.GetCompatibilityAsync("t-value"));
            Assert.Equal(CompatibilityLevel.Forward, await c.GetCompatibilityAsync());
            Assert.Equal(40404, (await Assert.ThrowsAsync<SchemaRegistryException>(() => c.DeleteSubjectAsync("gone-value"))).ErrorCode);
            Assert.Equal([1], await c.DeleteSubjectAsync("gone-value", permanent: true));
            // New ids continue after the recovered ones, and the same schema elsewhere keeps its id.
            int next = await c.RegisterSchemaAsync("n-value", S(Record("New", Field("n", "\"int\""))));
            Assert.True(next > Math.Max(v2, other), $"id {next} reuses a recovered one");
            Assert.Equal(v2, await c.RegisterSchemaAsync("copy-value", S(UserV2)));

            // The records are Confluent-keyed JSON in the compacted _schemas topic, readable by any client.
            await using var consumer = new ConsumerBuilder<byte[], byte[]>(new Dictionary<string, string?>
            {
                ["bootstrap.servers"] = host.Cluster.BootstrapServers,
            }).Build();
            consumer.Assign([new TopicPartitionOffset("_schemas", 0, Offsets.Beginning)]);
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var keyTypes = new HashSet<string>();
            while (!keyTypes.IsSupersetOf(["SCHEMA", "CONFIG", "DELETE_SUBJECT"]))
            {
                var record = await consumer.ConsumeAsync(guard.Token);
                using var key = JsonDocument.Parse(record.Key);
                keyTypes.Add(key.RootElement.GetProperty("keytype").GetString()!);
                if (key.RootElement.GetProperty("keytype").GetString() == "SCHEMA")
                    Assert.Equal(1, key.RootElement.GetProperty("magic").GetInt32());
            }
        }
    }
}
