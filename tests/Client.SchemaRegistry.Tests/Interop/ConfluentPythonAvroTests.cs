using System.Text.Json;
using Samsa.Consumer;
using Samsa.Producer;
using Samsa.SchemaRegistry.Avro;
using Samsa.SchemaRegistry.Serdes;
using Samsa.SchemaRegistry.Tests.MiniRegistry;
using Samsa.Testing;

namespace Samsa.SchemaRegistry.Tests.Interop;

/// <summary>
/// confluent-kafka-python's <c>confluent_kafka.avro</c> (AvroProducer / AvroConsumer / CachedSchemaRegistryClient)
/// against Broker.Mini over TCP and the mini schema registry, exchanging records with our serdes in our producer and
/// consumer, both ways.
/// </summary>
public sealed class ConfluentPythonAvroTests
{
    private const string Peer = "python3-confluent-kafka";
    private const int Count = 12;
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Fixtures", "confluent_avro_peer.py");

    private static readonly RecordSchema Reading = (RecordSchema)AvroSchema.Parse("""
        {"type":"record","name":"Reading","namespace":"samsa.interop","fields":[
          {"name":"id","type":"long"},{"name":"name","type":"string"},
          {"name":"score","type":["null","double"],"default":null},
          {"name":"tags","type":{"type":"array","items":"string"}},
          {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B","C"]}}]}
        """);

    private static async Task<string> Python(params string[] args)
    {
        var result = await ProcessRunner.RunAsync(Peers.Python3, [Script, .. args], timeout: TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0 && !result.TimedOut, $"python failed ({result.ExitCode}): {result.StandardError}");
        return result.StandardOutput;
    }

    [PeerFact(Peer, "python3-avro")]
    public async Task PythonAvroProducer_SamsaConsumerWithAvroDeserializer_ReadsEveryRecord()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        await host.Cluster.CreateTopicAsync("py-readings");
        var registered = JsonDocument.Parse(await Python("produce", host.Cluster.BootstrapServers, host.Url, "py-readings", Count.ToString()));
        Assert.Equal(1, registered.RootElement.GetProperty("version").GetInt32());

        await using var consumer = new ConsumerBuilder<string, GenericRecord>(new Dictionary<string, string?> { ["bootstrap.servers"] = host.Cluster.BootstrapServers })
            .SetKeyDeserializer(new AvroDeserializer<string>(host.Client))
            .SetValueDeserializer(new AvroDeserializer<GenericRecord>(host.Client))
            .Build();
        consumer.Assign([new TopicPartitionOffset("py-readings", 0, Offsets.Beginning)]);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        for (var i = 0; i < Count; i++)
        {
            var r = await consumer.ConsumeAsync(guard.Token);
            Assert.Equal($"py-{i}", r.Key);
            Assert.Equal((long)i, r.Value["id"]);
            Assert.Equal($"python {i}", r.Value["name"]);
            Assert.Equal(i % 2 == 1 ? null : i * 1.5, r.Value["score"]);
            Assert.Equal(Enumerable.Range(0, i % 3).Select(j => (object?)$"t{j}"), (IEnumerable<object?>)r.Value["tags"]!);
            Assert.Equal("ABC"[i % 3].ToString(), r.Value["kind"]!.ToString());
        }
    }

    [PeerFact(Peer, "python3-avro")]
    public async Task SamsaProducerWithAvroSerializer_PythonAvroConsumer_ReadsEveryRecord()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        await host.Cluster.CreateTopicAsync("cs-readings");
        await using (var producer = new ProducerBuilder<string, GenericRecord>(new Dictionary<string, string?> { ["bootstrap.servers"] = host.Cluster.BootstrapServers })
            .SetKeySerializer(new AvroSerializer<string>(host.Client))
            .SetValueSerializer(new AvroSerializer<GenericRecord>(host.Client))
            .Build())
        {
            for (var i = 0; i < Count; i++)
            {
                var value = new GenericRecord(Reading)
                {
                    ["id"] = (long)i,
                    ["name"] = $"samsa {i}",
                    ["score"] = i % 2 == 0 ? null : i * 0.25,
                    ["tags"] = Enumerable.Range(0, i % 4).Select(j => (object?)$"x{j}").ToList(),
                    ["kind"] = new GenericEnum((EnumSchema)Reading.Fields[4].Schema, "CBA"[i % 3].ToString()),
                };
                await producer.ProduceAsync(new TopicPartition("cs-readings", 0), new Message<string, GenericRecord> { Key = $"cs-{i}", Value = value });
            }
        }

        var records = JsonDocument.Parse(await Python("consume", host.Cluster.BootstrapServers, host.Url, "cs-readings", Count.ToString())).RootElement;
        Assert.Equal(Count, records.GetArrayLength());
        for (var i = 0; i < Count; i++)
        {
            var r = records[i];
            Assert.Equal($"cs-{i}", r.GetProperty("key").GetString());
            var v = r.GetProperty("value");
            Assert.Equal(i, v.GetProperty("id").GetInt64());
            Assert.Equal($"samsa {i}", v.GetProperty("name").GetString());
            if (i % 2 == 0) Assert.Equal(JsonValueKind.Null, v.GetProperty("score").ValueKind);
            else Assert.Equal(i * 0.25, v.GetProperty("score").GetDouble());
            Assert.Equal(Enumerable.Range(0, i % 4).Select(j => $"x{j}"), v.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal("CBA"[i % 3].ToString(), v.GetProperty("kind").GetString());
        }
        Assert.Equal(["cs-readings-key", "cs-readings-value"], await host.Client.GetSubjectsAsync());
    }
}
