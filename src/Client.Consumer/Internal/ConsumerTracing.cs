using System.Diagnostics;

namespace Samsa.Consumer.Internal;

/// <summary>
/// OpenTelemetry spans on the <c>Samsa.Consumer</c> activity source: one short "process"-style span per consumed
/// record, parented to the producer's W3C <c>traceparent</c> header when present. Nothing is done (and nothing
/// allocated) unless a listener samples the source.
/// </summary>
internal static class ConsumerTracing
{
    public static readonly ActivitySource Source = new("Samsa.Consumer", "0.1.0");

    public static void OnConsumed(string topic, int partition, long offset, Headers? headers, string? groupId)
    {
        if (!Source.HasListeners()) return;
        ActivityContext parent = default;
        if (headers is not null && headers.TryGetLast("traceparent", out var traceParent) && traceParent.GetValueAsString() is { } tp)
        {
            string? traceState = headers.TryGetLast("tracestate", out var ts) ? ts.GetValueAsString() : null;
            ActivityContext.TryParse(tp, traceState, isRemote: true, out parent);
        }
        using var activity = Source.StartActivity($"receive {topic}", ActivityKind.Consumer, parent);
        if (activity is null) return;
        activity.SetTag("messaging.system", "kafka");
        activity.SetTag("messaging.operation.type", "receive");
        activity.SetTag("messaging.destination.name", topic);
        activity.SetTag("messaging.destination.partition.id", partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
        activity.SetTag("messaging.kafka.offset", offset);
        if (groupId is not null) activity.SetTag("messaging.consumer.group.name", groupId);
    }
}
