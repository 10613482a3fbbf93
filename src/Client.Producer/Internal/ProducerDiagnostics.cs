using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Samsa.Producer.Internal;

/// <summary>
/// The <c>Samsa.Producer</c> <see cref="ActivitySource"/>: one producer span per record ("{topic} publish", OpenTelemetry
/// messaging conventions), with its W3C trace context injected as <c>traceparent</c>/<c>tracestate</c> record headers.
/// Only when a listener samples the span, so the hot path stays allocation-free otherwise.
/// </summary>
internal static class ProducerDiagnostics
{
    public const string SourceName = "Samsa.Producer";

    public static readonly ActivitySource Source = new(SourceName, typeof(ProducerDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the publish span and writes its context into <paramref name="headers"/>; null when not traced.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Activity? StartPublish(string topic, ref Headers? headers, string? clientId)
    {
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity(topic + " publish", ActivityKind.Producer);
        if (activity is null) return null;
        activity.SetTag("messaging.system", "kafka");
        activity.SetTag("messaging.operation.type", "send");
        activity.SetTag("messaging.operation.name", "publish");
        activity.SetTag("messaging.destination.name", topic);
        if (!string.IsNullOrEmpty(clientId)) activity.SetTag("messaging.client.id", clientId);
        if (activity.IdFormat == ActivityIdFormat.W3C)
        {
            headers ??= new Headers();
            headers.Remove("traceparent");
            headers.Add("traceparent", activity.Id);
            if (!string.IsNullOrEmpty(activity.TraceStateString))
            {
                headers.Remove("tracestate");
                headers.Add("tracestate", activity.TraceStateString);
            }
        }
        return activity;
    }

    /// <summary>Ends the span with the delivery outcome.</summary>
    public static void Stop(Activity activity, int partition, long offset, Exception? error)
    {
        activity.SetTag("messaging.destination.partition.id", partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (offset >= 0) activity.SetTag("messaging.kafka.offset", offset);
        if (error is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
            activity.SetTag("error.type", error.GetType().FullName);
        }
        activity.Stop();
    }
}
