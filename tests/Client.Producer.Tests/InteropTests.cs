using System.Text;
using System.Text.Json;
using Samsa.Broker.Mini;
using Samsa.Testing;
using CK = Confluent.Kafka;

namespace Samsa.Producer.Tests;

/// <summary>Records produced by Samsa are read identically by kcat, kafka-python and Confluent.Kafka.</summary>
public sealed class InteropTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Codecs => new() { "none", "gzip", "snappy", "lz4", "zstd" };

    private sealed record Expected(string? Key, string? Value, List<(string Key, string? Value)> Headers, long Timestamp);

    /// <summary>Keys, null keys, empty keys, headers (repeated, null-valued), explicit timestamps and tombstones.</summary>
    private static List<Message<string?, string?>> Corpus()
    {
        var list = new List<Message<string?, string?>>();
        for (int i = 0; i < 40; i++)
        {
            var m = new Message<string?, string?>
            {
                Key = i % 5 == 0 ? null : i % 7 == 0 ? "" : "key-" + i,
                Value = i % 6 == 0 ? null : "value-" + i + new string('x', i * 3),
                Timestamp = new Timestamp(1_700_000_000_000 + i),
            };
            if (i % 3 == 0) m.Headers = new Headers().Add("h", "v" + i).Add("n", (byte[]?)null).Add("h", "again");
            list.Add(m);
        }
        return list;
    }

    private static async Task<List<Expected>> ProduceCorpusAsync(string bootstrap, string topic, string codec)
    {
        await using var producer = KafkaProducerTests.Build(bootstrap, o => o.CompressionType = codec);
        var corpus = Corpus();
        foreach (var m in corpus) producer.Produce(new TopicPartition(topic, 0), m);
        await producer.FlushAsync().WaitAsync(HangGuard);
        return corpus.Select(m => new Expected(m.Key, m.Value,
            m.Headers?.Select(h => (h.Key, h.GetValueAsString())).ToList() ?? [], m.Timestamp.UnixTimestampMs)).ToList();
    }

    private static void AssertSame(List<Expected> expected, List<Expected> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Key, actual[i].Key);
            Assert.Equal(expected[i].Value, actual[i].Value);
            Assert.Equal(expected[i].Timestamp, actual[i].Timestamp);
            Assert.Equal(expected[i].Headers, actual[i].Headers);
        }
    }

    [PeerTheory("kcat")]
    [MemberData(nameof(Codecs))]
    public async Task Kcat_ReadsWhatWeProduce(string codec)
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("kc", 1);
        var expected = await ProduceCorpusAsync(cluster.BootstrapServers, "kc", codec);
        var result = await ProcessRunner.RunAsync("kcat", ["-C", "-b", cluster.BootstrapServers, "-t", "kc", "-e", "-q", "-J"], timeout: HangGuard);
        Assert.True(result.ExitCode == 0, result.StandardError);
        var actual = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var headers = new List<(string, string?)>();
            if (root.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Array)
            {
                var items = h.EnumerateArray().ToList();
                for (int i = 0; i < items.Count; i += 2) headers.Add((items[i].GetString()!, items[i + 1].ValueKind == JsonValueKind.Null ? null : items[i + 1].GetString()));
            }
            string? Str(string name) => root.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? e.GetString() : null;
            return new Expected(Str("key"), Str("payload"), headers, root.GetProperty("ts").GetInt64());
        }).ToList();
        AssertSame(expected, actual);
    }

    private const string PythonReader = """
        import sys, json
        from kafka import KafkaConsumer, TopicPartition
        c = KafkaConsumer(bootstrap_servers=sys.argv[1], enable_auto_commit=False, consumer_timeout_ms=10000, api_version=(2, 5, 0))
        tp = TopicPartition(sys.argv[2], 0)
        c.assign([tp]); c.seek_to_beginning(tp)
        n = int(sys.argv[3]); out = []
        def s(b): return None if b is None else b.decode('utf-8')
        for m in c:
            out.append({"k": s(m.key), "v": s(m.value), "h": [[k, s(v)] for k, v in m.headers], "ts": m.timestamp})
            if len(out) == n: break
        print(json.dumps(out))
        """;

    [PeerTheory("python3-kafka")]
    [MemberData(nameof(Codecs))]
    public async Task KafkaPython_ReadsWhatWeProduce(string codec)
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("py", 1);
        var expected = await ProduceCorpusAsync(cluster.BootstrapServers, "py", codec);
        string script = Path.Combine(Path.GetTempPath(), $"samsa-producer-read-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, PythonReader);
        try
        {
            var result = await ProcessRunner.RunAsync(Peers.Python3, [script, cluster.BootstrapServers, "py", expected.Count.ToString()], timeout: HangGuard);
            Assert.True(result.ExitCode == 0, result.StandardError);
            using var doc = JsonDocument.Parse(result.StandardOutput);
            var actual = doc.RootElement.EnumerateArray().Select(e => new Expected(
                e.GetProperty("k").GetString(), e.GetProperty("v").GetString(),
                e.GetProperty("h").EnumerateArray().Select(h => (h[0].GetString()!, h[1].GetString())).ToList(),
                e.GetProperty("ts").GetInt64())).ToList();
            AssertSame(expected, actual);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [PeerTheory("librdkafka")]
    [MemberData(nameof(Codecs))]
    public async Task ConfluentConsumer_ReadsWhatWeProduce(string codec)
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("ck", 1);
        var expected = await ProduceCorpusAsync(cluster.BootstrapServers, "ck", codec);
        AssertSame(expected, ReadWithConfluent(cluster.BootstrapServers, "ck", expected.Count));
    }

    [PeerTheory("librdkafka")]
    [MemberData(nameof(Codecs))]
    public async Task MockCluster_ConfluentConsumerReadsWhatWeProduce(string codec)
    {
        using var mock = new LibrdkafkaMockCluster(3);
        mock.CreateTopic("mk", 1, 3);
        var expected = await ProduceCorpusAsync(mock.BootstrapServers, "mk", codec);
        AssertSame(expected, ReadWithConfluent(mock.BootstrapServers, "mk", expected.Count));
    }

    private static List<Expected> ReadWithConfluent(string bootstrap, string topic, int count)
    {
        var config = new CK.ConsumerConfig { BootstrapServers = bootstrap, GroupId = "unused", EnableAutoCommit = false };
        using var consumer = new CK.ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        consumer.Assign(new CK.TopicPartitionOffset(topic, 0, CK.Offset.Beginning));
        var list = new List<Expected>();
        while (list.Count < count)
        {
            var r = consumer.Consume(HangGuard) ?? throw new TimeoutException($"read {list.Count} of {count}");
            string? S(byte[]? b) => b is null ? null : Encoding.UTF8.GetString(b);
            var headers = r.Message.Headers?.Select(h => (h.Key, S(h.GetValueBytes()))).ToList() ?? [];
            list.Add(new Expected(S(r.Message.Key), S(r.Message.Value), headers, r.Message.Timestamp.UnixTimestampMs));
        }
        return list;
    }
}
