using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using CK = Confluent.Kafka;

namespace Samsa.Consumer.Tests;

/// <summary>The Samsa.Consumer meter and activity source.</summary>
public sealed class DiagnosticsTests
{
    [Fact]
    public async Task Consume_RecordsMetrics_AndContinuesProducerTrace()
    {
        await using var b = await TestBroker.StartAsync("mini");
        await b.CreateTopicAsync("d", 1);
        var parent = ActivityTraceId.CreateRandom();
        var parentSpan = ActivitySpanId.CreateRandom();
        using (var producer = new CK.ProducerBuilder<CK.Null, string>(new CK.ProducerConfig { BootstrapServers = b.BootstrapServers }).Build())
        {
            var headers = new CK.Headers { { "traceparent", Encoding.UTF8.GetBytes($"00-{parent}-{parentSpan}-01") } };
            await producer.ProduceAsync("d", new CK.Message<CK.Null, string> { Value = "v", Headers = headers });
        }
        long records = 0, fetches = 0;
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Samsa.Consumer") listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            // Other test classes run consumers in parallel: count only this test's consumer.
            bool mine = false;
            foreach (var tag in tags) mine |= tag.Key == "client.id" && (string?)tag.Value == "diagnostics-test";
            if (!mine) return;
            if (instrument.Name == "samsa.consumer.records.consumed") Interlocked.Add(ref records, value);
            if (instrument.Name == "samsa.consumer.fetch.requests") Interlocked.Add(ref fetches, value);
        });
        meters.Start();
        var spans = new List<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Samsa.Consumer",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.TraceId == parent) lock (spans) spans.Add(a);
            },
        };
        ActivitySource.AddActivityListener(activities);

        await using var consumer = TestKit.Consumer(b.BootstrapServers, o =>
        {
            o.AutoOffsetReset = AutoOffsetReset.Earliest;
            o.ClientId = "diagnostics-test";
        });
        consumer.Assign([new TopicPartition("d", 0)]);
        var r = await consumer.ConsumeAsync(new CancellationTokenSource(TestKit.Guard).Token);
        Assert.Equal("v", r.Value);
        Assert.Equal(1, Interlocked.Read(ref records));
        Assert.True(Interlocked.Read(ref fetches) >= 1);
        lock (spans)
        {
            var span = Assert.Single(spans);
            Assert.Equal(parent, span.TraceId);
            Assert.Equal(parentSpan, span.ParentSpanId);
            Assert.Equal(ActivityKind.Consumer, span.Kind);
            Assert.Equal("d", span.GetTagItem("messaging.destination.name"));
        }
    }
}
