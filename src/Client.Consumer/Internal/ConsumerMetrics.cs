using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Samsa.Consumer.Internal;

/// <summary>
/// Instruments on the <c>Samsa.Consumer</c> meter, named after Kafka's consumer metrics: fetch rate and latency, bytes
/// and records consumed, records-lag / records-lag-max (observed per consumer), commit latency and rebalances.
/// Each consumer registers a lag source while alive; measurements are tagged with <c>client.id</c>.
/// </summary>
internal sealed class ConsumerMetrics : IDisposable
{
    public const string MeterName = "Samsa.Consumer";

    private static readonly Meter s_meter = new(MeterName, "0.1.0");
    private static readonly Counter<long> s_fetches = s_meter.CreateCounter<long>("samsa.consumer.fetch.requests", "{request}", "Fetch requests completed (fetch-rate).");
    private static readonly Histogram<double> s_fetchLatency = s_meter.CreateHistogram<double>("samsa.consumer.fetch.latency", "ms", "Fetch round trip (fetch-latency).");
    private static readonly Counter<long> s_bytes = s_meter.CreateCounter<long>("samsa.consumer.bytes.consumed", "By", "Record bytes fetched (bytes-consumed-rate).");
    private static readonly Counter<long> s_records = s_meter.CreateCounter<long>("samsa.consumer.records.consumed", "{record}", "Records handed to the application (records-consumed-rate).");
    private static readonly Histogram<double> s_commitLatency = s_meter.CreateHistogram<double>("samsa.consumer.commit.latency", "ms", "OffsetCommit round trip (commit-latency).");
    private static readonly Counter<long> s_rebalances = s_meter.CreateCounter<long>("samsa.consumer.rebalances", "{rebalance}", "Completed rebalances (rebalance-total).");
    private static readonly Counter<long> s_failedRebalances = s_meter.CreateCounter<long>("samsa.consumer.rebalances.failed", "{rebalance}", "Failed rebalances (failed-rebalance-total).");
    private static readonly ConcurrentDictionary<ConsumerMetrics, Func<IEnumerable<(TopicPartition, long)>>> s_lagSources = new();

    static ConsumerMetrics()
    {
        s_meter.CreateObservableGauge("samsa.consumer.records.lag", ObserveLag, "{record}", "High watermark minus position, per partition (records-lag).");
        s_meter.CreateObservableGauge("samsa.consumer.records.lag.max", ObserveLagMax, "{record}", "Largest records-lag of the consumer (records-lag-max).");
    }

    private readonly TagList _tags;

    public ConsumerMetrics(string clientId, Func<IEnumerable<(TopicPartition, long)>> lag)
    {
        _tags = new TagList { { "client.id", clientId } };
        s_lagSources[this] = lag;
    }

    public void RecordFetch(TimeSpan latency)
    {
        s_fetches.Add(1, _tags);
        if (s_fetchLatency.Enabled) s_fetchLatency.Record(latency.TotalMilliseconds, _tags);
    }

    public void RecordFetchedBytes(long bytes)
    {
        if (bytes > 0) s_bytes.Add(bytes, _tags);
    }

    public void RecordConsumed(long records)
    {
        if (records > 0 && s_records.Enabled) s_records.Add(records, _tags);
    }

    public void RecordCommit(TimeSpan latency) => s_commitLatency.Record(latency.TotalMilliseconds, _tags);

    public void RecordRebalance(bool success)
    {
        if (success) s_rebalances.Add(1, _tags);
        else s_failedRebalances.Add(1, _tags);
    }

    public void Dispose() => s_lagSources.TryRemove(this, out _);

    private static IEnumerable<Measurement<long>> ObserveLag()
    {
        foreach (var (metrics, source) in s_lagSources)
        {
            foreach (var (tp, lag) in source())
            {
                var tags = metrics._tags;
                tags.Add("messaging.destination.name", tp.Topic);
                tags.Add("messaging.destination.partition.id", tp.Partition);
                yield return new Measurement<long>(lag, tags);
            }
        }
    }

    private static IEnumerable<Measurement<long>> ObserveLagMax()
    {
        foreach (var (metrics, source) in s_lagSources)
        {
            long max = 0;
            foreach (var (_, lag) in source()) max = Math.Max(max, lag);
            yield return new Measurement<long>(max, metrics._tags);
        }
    }
}
