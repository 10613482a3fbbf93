using Samsa;
using Samsa.Admin;
using Samsa.Broker.Mini;
using Samsa.Consumer;
using Samsa.Producer;
using Samsa.Serialization;

// Samsa quick start: an embedded three-broker Broker.Mini (or any cluster with --bootstrap host:port), a topic
// created with the admin client, keyed records from the producer, two consumers sharing a group, and the group's
// assignment and lag at the end.
string? bootstrap = args.SkipWhile(a => a != "--bootstrap").Skip(1).FirstOrDefault();
const string Topic = "quickstart";
const string Group = "quickstart-group";
const int Records = 30;
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
var ct = timeout.Token;

MiniCluster? cluster = null;
if (bootstrap is null)
{
    cluster = await MiniCluster.StartAsync(new MiniClusterOptions { Brokers = 3 }, ct);
    bootstrap = cluster.BootstrapServers;
    Console.WriteLine($"Started an embedded Broker.Mini cluster: 3 brokers at {bootstrap}");
}
else
{
    Console.WriteLine($"Using the cluster at {bootstrap}");
}

try
{
    await using var admin = new AdminClient(new AdminOptions { BootstrapServers = bootstrap, ClientId = "quickstart-admin" });
    var created = await admin.CreateTopicsAsync([new NewTopic(Topic, NumPartitions: 6, ReplicationFactor: (short)(cluster is null ? -1 : 3))], cancellationToken: ct);
    var result = created[Topic];
    Console.WriteLine(result.IsSuccess
        ? $"Created topic '{Topic}' with {result.Value.NumPartitions} partitions (replication factor {result.Value.ReplicationFactor})"
        : $"Topic '{Topic}': {result.Error}");

    await using (var producer = new ProducerBuilder<string, string>(new ProducerOptions { BootstrapServers = bootstrap, ClientId = "quickstart-producer" })
        .SetKeySerializer(Serializers.Utf8).SetValueSerializer(Serializers.Utf8).Build())
    {
        for (int i = 0; i < Records; i++)
        {
            var delivery = await producer.ProduceAsync(Topic, new Message<string, string> { Key = $"user-{i % 10}", Value = $"event {i}" }, ct);
            if (i < 3 || i == Records - 1) Console.WriteLine($"Produced {delivery.Message.Key} = {delivery.Message.Value} to partition {delivery.Partition} at offset {delivery.Offset}");
        }
        Console.WriteLine($"Produced {Records} keyed records (the idempotent producer, murmur2 partitioning like the Java client)");
    }

    var consumers = Enumerable.Range(1, 2).Select(n => new ConsumerBuilder<string?, string?>(new ConsumerOptions
    {
        BootstrapServers = bootstrap,
        ClientId = $"quickstart-consumer-{n}",
        GroupId = Group,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
    }).SetKeyDeserializer(Deserializers.Utf8).SetValueDeserializer(Deserializers.Utf8).Build()).ToList();
    foreach (var consumer in consumers) consumer.Subscribe([Topic]);

    int consumed = 0;
    var perConsumer = new int[consumers.Count];
    await Task.WhenAll(consumers.Select(async (consumer, index) =>
    {
        while (Volatile.Read(ref consumed) < Records && !ct.IsCancellationRequested)
        {
            using var poll = CancellationTokenSource.CreateLinkedTokenSource(ct);
            poll.CancelAfter(TimeSpan.FromSeconds(1));
            try
            {
                var record = await consumer.ConsumeAsync(poll.Token);
                Interlocked.Increment(ref consumed);
                perConsumer[index]++;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
        }
        await consumer.CommitAsync(ct);
    }));
    for (int i = 0; i < consumers.Count; i++) Console.WriteLine($"Consumer {i + 1} read {perConsumer[i]} records");

    var group = (await admin.DescribeConsumerGroupsAsync([Group], cancellationToken: ct))[Group].Value;
    Console.WriteLine($"Group '{Group}' is {group.State} with protocol {group.Protocol}:");
    foreach (var member in group.Members.OrderBy(m => m.ClientId, StringComparer.Ordinal))
        Console.WriteLine($"  {member.ClientId}: {string.Join(", ", member.Assignment.Order().Select(tp => tp.Partition))}");

    var committed = await admin.ListConsumerGroupOffsetsAsync(Group, cancellationToken: ct);
    var latest = await admin.ListOffsetsAsync(committed.Keys.ToDictionary(tp => tp, _ => OffsetSpec.Latest), cancellationToken: ct);
    long lag = committed.Sum(kv => latest[kv.Key].Value.Offset - kv.Value.Offset);
    Console.WriteLine($"Committed offsets on {committed.Count} partitions; total lag {lag}");

    foreach (var consumer in consumers)
    {
        await consumer.CloseAsync(ct);
        await consumer.DisposeAsync();
    }
    Console.WriteLine(lag == 0 && consumed >= Records ? "Quick start finished: every record was produced, consumed and committed." : "Quick start finished with records left over.");
    return lag == 0 && consumed >= Records ? 0 : 1;
}
finally
{
    if (cluster is not null) await cluster.DisposeAsync();
}
