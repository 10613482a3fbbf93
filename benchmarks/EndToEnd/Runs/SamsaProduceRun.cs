using Samsa.Producer;
using Samsa.Serialization;

namespace Samsa.Benchmarks.EndToEnd.Runs;

/// <summary>Samsa's producer with the callback API, configured like the Confluent run: idempotent for acks=all, same linger.</summary>
internal static class SamsaProduceRun
{
    public static async Task<RunResult> ProduceAsync(BenchOptions o, Measurement m)
    {
        var options = new ProducerOptions
        {
            BootstrapServers = o.Bootstrap!,
            Acks = o.Acks is "-1" ? "all" : o.Acks,
            EnableIdempotence = o.Acks is "all" or "-1",
            LingerMs = o.LingerMs,
        };
        await using var producer = new ProducerBuilder<Null, byte[]>(options).Build();
        var message = new Message<Null, byte[]> { Value = new byte[o.Size] };
        long errors = 0;
        Action<DeliveryReport<Null, byte[]>> onDelivery = report => { if (report.IsError) Interlocked.Increment(ref errors); };
        producer.Produce(o.Topic, message, onDelivery); // warm-up: metadata, connection, producer id
        await producer.FlushAsync();
        using var trace = Environment.GetEnvironmentVariable("SAMSA_ALLOC_TRACE") is null ? null : new AllocTrace();
        m.Start();
        long threadAlloc = GC.GetAllocatedBytesForCurrentThread();
        for (long i = 0; i < o.Messages; i++) producer.Produce(o.Topic, message, onDelivery);
        if (trace is not null) Console.Error.WriteLine($"produce-thread bytes/msg {(GC.GetAllocatedBytesForCurrentThread() - threadAlloc) / (double)o.Messages:F2}");
        await producer.FlushAsync();
        var r = m.Stop(o, "samsa", o.Messages, Interlocked.Read(ref errors));
        trace?.Print();
        return r;
    }
}
