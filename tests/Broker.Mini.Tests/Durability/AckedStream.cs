using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Samsa.Broker.Mini.Tests.Durability;

/// <summary>
/// A Confluent.Kafka idempotent acks=all producer writing record i (key <c>k{i}</c>, value <c>{prefix}{i}</c>) round-robin
/// over a topic's partitions until stopped, remembering where each acknowledged record landed and every error reported.
/// </summary>
internal sealed class AckedStream : IDisposable
{
    private readonly IProducer<string, string> _producer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writer;
    private int _produced;

    private AckedStream(string bootstrap, string topic, int partitions, int recordsPerTick, string valuePrefix)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap, Acks = Acks.All, EnableIdempotence = true, LingerMs = 2,
            ReconnectBackoffMs = 50, ReconnectBackoffMaxMs = 500, RetryBackoffMs = 50,
        };
        _producer = new ProducerBuilder<string, string>(config)
            .SetErrorHandler((_, e) => { if (e.IsFatal) Errors.Enqueue(e.Reason); })
            .Build();
        _writer = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                for (int n = 0; n < recordsPerTick; n++)
                {
                    int i = _produced;
                    _producer.Produce(new TopicPartition(topic, i % partitions), new Message<string, string> { Key = $"k{i}", Value = $"{valuePrefix}{i}" }, report =>
                    {
                        if (report.Error.IsError) Errors.Enqueue($"{valuePrefix}{i}: {report.Error.Reason}");
                        else Acked[i] = (report.Partition.Value, report.Offset.Value);
                    });
                    Volatile.Write(ref _produced, i + 1);
                }
                await Task.Delay(5);
            }
        });
    }

    /// <summary>Record index → (partition, offset) of every acknowledged record.</summary>
    public ConcurrentDictionary<int, (int Partition, long Offset)> Acked { get; } = new();

    /// <summary>Delivery errors and fatal producer errors.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>How many records were handed to the producer.</summary>
    public int Produced => Volatile.Read(ref _produced);

    public static AckedStream Start(string bootstrap, string topic, int partitions, int recordsPerTick, string valuePrefix = "") =>
        new(bootstrap, topic, partitions, recordsPerTick, valuePrefix);

    /// <summary>Stops writing and waits for every outstanding delivery report.</summary>
    public async Task StopAsync(TimeSpan guard)
    {
        await _stop.CancelAsync();
        await _writer.WaitAsync(guard);
        _producer.Flush(guard);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; throws after <paramref name="guard"/> (a hang guard, not a timing assertion).</summary>
    public static async Task WaitUntil(Func<bool> condition, string what, TimeSpan guard)
    {
        var deadline = DateTime.UtcNow + guard;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Hang guard: no {what}.");
            await Task.Delay(20);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _producer.Dispose();
        _stop.Dispose();
    }
}
