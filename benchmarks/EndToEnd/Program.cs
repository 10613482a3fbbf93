using Samsa.Benchmarks.EndToEnd;
using Samsa.Benchmarks.EndToEnd.Runs;
using Samsa.Testing;

// dotnet run -c Release --project benchmarks/EndToEnd -- produce --size 100 --messages 2000000 --partitions 12 --acks all --rounds 3
// Options: --bootstrap host:port (external cluster), --broker mini|mock, --clients samsa,confluent, --linger-ms 5,
// --rate 10000; produce only: --batch-size N|own (both clients; default 1000000, librdkafka's default; own: each
// client's default), --warmup-messages N (each child sends and flushes N records before measuring; default a tenth of
// --messages), --broker-warmup-messages N (per client, to a throw-away topic first; default as many as a run; 0 skips).
if (args.Length > 0 && args[0] == "mock-broker")
{
    // Child: a one-broker librdkafka mock cluster with the given topics; runs until standard input closes.
    int partitions = int.Parse(args[2]);
    using var mock = new LibrdkafkaMockCluster(brokerCount: 1);
    foreach (var topic in args.Skip(3)) mock.CreateTopic(topic, partitions, 1);
    Console.WriteLine($"BOOTSTRAP {mock.BootstrapServers}");
    await Console.In.ReadToEndAsync();
    return 0;
}

var options = BenchOptions.Parse(args, out var childClient);
if (childClient is null) return await Orchestrator.RunAsync(options);

var run = ClientRuns.Get(childClient, options.Scenario) ?? throw new ArgumentException($"client {childClient} has no {options.Scenario} run");
var result = await run(options, new Measurement());
Console.WriteLine(result.ToJson());
return 0;
