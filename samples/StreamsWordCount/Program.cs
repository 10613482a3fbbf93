using Samsa;
using Samsa.Broker.Mini;
using Samsa.Consumer;
using Samsa.Producer;
using Samsa.Serialization;
using Samsa.Streams;
using Samsa.Streams.Kstream;

// Samsa Streams word count: an embedded Broker.Mini (or any cluster with --bootstrap host:port), a KafkaStreams
// application that counts words from "text-lines" into "word-counts" through a repartition topic and a persistent
// state store with a changelog, and a consumer that prints the latest count of each word.
string? bootstrap = args.SkipWhile(a => a != "--bootstrap").Skip(1).FirstOrDefault();
string[] lines = ["the quick brown fox", "jumps over the lazy dog", "the dog sleeps", "the fox runs"];
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
var ct = timeout.Token;

MiniCluster? cluster = null;
if (bootstrap is null)
{
    cluster = await MiniCluster.StartAsync(new MiniClusterOptions { BrokerConfigs = { ["group.initial.rebalance.delay.ms"] = "0" } }, ct);
    bootstrap = cluster.BootstrapServers;
    Console.WriteLine($"Started an embedded Broker.Mini at {bootstrap}");
    await cluster.CreateTopicAsync("text-lines", 3);
    await cluster.CreateTopicAsync("word-counts", 3);
}

try
{
    var builder = new StreamsBuilder();
    builder.Stream<string?, string?>("text-lines")
        .FlatMapValues(line => line!.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .GroupBy((_, word) => word)
        .Count(Materialized<string?, long>.As("word-counts-store"))
        .ToStream()
        .To("word-counts", Produced<string?, long>.With(Serdes.String, Serdes.Int64));
    var topology = builder.Build();
    Console.WriteLine(topology.Describe());

    string stateDir = Path.Combine(Path.GetTempPath(), $"samsa-wordcount-{Environment.ProcessId}");
    await using var streams = new KafkaStreams(topology, new StreamsConfig
    {
        ApplicationId = "wordcount-sample",
        BootstrapServers = bootstrap,
        StateDir = stateDir,
        CommitIntervalMs = 100,
        DefaultKeySerde = Serdes.String,
        DefaultValueSerde = Serdes.String,
    });
    await streams.StartAsync(ct);

    await using (var producer = new ProducerBuilder<string?, string?>(new ProducerOptions { BootstrapServers = bootstrap })
        .SetKeySerializer(Serializers.Utf8).SetValueSerializer(Serializers.Utf8).Build())
    {
        foreach (var line in lines) await producer.ProduceAsync("text-lines", new Message<string?, string?> { Value = line }, ct);
    }
    Console.WriteLine($"Produced {lines.Length} lines to 'text-lines'");

    var expected = lines.SelectMany(l => l.Split(' ')).GroupBy(w => w).ToDictionary(g => g.Key, g => (long)g.Count());
    var latest = new SortedDictionary<string, long>(StringComparer.Ordinal);
    await using var consumer = new ConsumerBuilder<string?, long>(new ConsumerOptions
    {
        BootstrapServers = bootstrap,
        GroupId = "wordcount-reader",
        AutoOffsetReset = AutoOffsetReset.Earliest,
        IsolationLevel = IsolationLevel.ReadCommitted,
    }).SetKeyDeserializer(Deserializers.Utf8).SetValueDeserializer(Deserializers.Int64).Build();
    consumer.Subscribe(["word-counts"]);
    while (!expected.All(e => latest.TryGetValue(e.Key, out long n) && n == e.Value))
    {
        var record = await consumer.ConsumeAsync(ct);
        latest[record.Key!] = record.Value;
    }
    foreach (var (word, count) in latest) Console.WriteLine($"{word,-8} {count}");
    await streams.CloseAsync(TimeSpan.FromSeconds(30));
    Directory.Delete(stateDir, recursive: true);
    Console.WriteLine("Word count finished: every word's final count arrived on 'word-counts'.");
    return 0;
}
catch (OperationCanceledException) when (timeout.IsCancellationRequested)
{
    Console.Error.WriteLine("Word count did not finish within two minutes.");
    return 1;
}
finally
{
    if (cluster is not null) await cluster.DisposeAsync();
}
