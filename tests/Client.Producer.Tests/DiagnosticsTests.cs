using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Samsa.Broker.Mini;

namespace Samsa.Producer.Tests;

/// <summary>Process-wide listeners would tag other tests' records, so these run alone.</summary>
[CollectionDefinition(nameof(DiagnosticsTests), DisableParallelization = true)]
public sealed class DiagnosticsCollection;

[Collection(nameof(DiagnosticsTests))]
public sealed class DiagnosticsTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Produce_WithActivityListener_InjectsW3CTraceparentAndEndsSpanWithOffset()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("traced", 1);
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Samsa.Producer",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.DisplayName == "traced publish") lock (stopped) stopped.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        await using var producer = KafkaProducerTests.Build(cluster.BootstrapServers);
        var result = await producer.ProduceAsync("traced", new Message<string?, string?> { Key = "k", Value = "v" }).WaitAsync(HangGuard);

        var read = Assert.Single(await TopicReader.ReadAllAsync(cluster.BootstrapServers, "traced"));
        var traceparent = Assert.Single(read.Headers, h => h.Key == "traceparent");
        Activity span;
        lock (stopped) span = Assert.Single(stopped);
        Assert.Equal(span.Id, Encoding.UTF8.GetString(traceparent.Value!));
        Assert.Equal(ActivityKind.Producer, span.Kind);
        Assert.Equal("traced publish", span.DisplayName);
        Assert.Equal("kafka", span.GetTagItem("messaging.system"));
        Assert.Equal(result.Offset, span.GetTagItem("messaging.kafka.offset"));
    }

    [Fact]
    public async Task Produce_MeterListener_ReportsSendRateBatchSizeAndBuffer()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("metered", 1);
        var seen = new Dictionary<string, double>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == "Samsa.Producer") l.EnableMeasurementEvents(instrument); };
        meters.SetMeasurementEventCallback<long>((i, v, _, _) => { lock (seen) seen[i.Name] = seen.GetValueOrDefault(i.Name) + v; });
        meters.SetMeasurementEventCallback<int>((i, v, _, _) => { lock (seen) seen[i.Name] = seen.GetValueOrDefault(i.Name) + v; });
        meters.SetMeasurementEventCallback<double>((i, v, _, _) => { lock (seen) seen[i.Name] = seen.GetValueOrDefault(i.Name) + v; });
        meters.Start();
        await using var producer = KafkaProducerTests.Build(cluster.BootstrapServers);
        for (int i = 0; i < 100; i++) producer.Produce("metered", new Message<string?, string?> { Value = "v" + i });
        await producer.FlushAsync().WaitAsync(HangGuard);
        meters.RecordObservableInstruments();
        lock (seen)
        {
            Assert.True(seen["record-send-rate"] >= 100); // the meter is process-wide: other tests add to it
            Assert.True(seen["batch-size-avg"] > 0);
            Assert.True(seen["request-latency"] > 0);
            Assert.True(seen.ContainsKey("compression-rate"));
            Assert.True(seen["buffer-available-bytes"] > 0);
        }
    }
}
