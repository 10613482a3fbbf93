using System.Diagnostics.Metrics;
using Samsa.Protocol;

namespace Samsa.Client.Diagnostics;

/// <summary>The <c>Samsa.Client</c> meter: connection and request instruments shared by all clients in the process.</summary>
internal static class ClientMetrics
{
    /// <summary>The meter's name, for OpenTelemetry <c>AddMeter</c>.</summary>
    public const string MeterName = "Samsa.Client";

    private static readonly Meter Meter = new(MeterName, typeof(ClientMetrics).Assembly.GetName().Version?.ToString());

    public static readonly UpDownCounter<long> ActiveConnections =
        Meter.CreateUpDownCounter<long>("samsa.client.connections.active", "{connection}", "Open broker connections.");

    public static readonly Counter<long> ConnectionsOpened =
        Meter.CreateCounter<long>("samsa.client.connections.opened", "{connection}", "Broker connections established.");

    public static readonly Counter<long> ConnectionErrors =
        Meter.CreateCounter<long>("samsa.client.connections.errors", "{error}", "Connections that failed to open or broke.");

    public static readonly Counter<long> RequestsSent =
        Meter.CreateCounter<long>("samsa.client.requests.sent", "{request}", "Requests written to brokers.");

    public static readonly Counter<long> RequestErrors =
        Meter.CreateCounter<long>("samsa.client.requests.errors", "{request}", "Requests that failed locally (timeout, connection loss).");

    public static readonly Histogram<double> RequestDuration =
        Meter.CreateHistogram<double>("samsa.client.request.duration", "s", "Time from writing a request to reading its response.");

    public static readonly Counter<long> ThrottleTime =
        Meter.CreateCounter<long>("samsa.client.throttle.time", "ms", "Throttle time brokers asked for.");

    private static readonly string[] ApiNames = BuildApiNames();

    /// <summary>The API name tag for <paramref name="key"/> (cached strings, no allocation).</summary>
    public static KeyValuePair<string, object?> ApiTag(ApiKey key) =>
        new("kafka.api", (uint)(short)key < (uint)ApiNames.Length ? ApiNames[(short)key] : "unknown");

    private static string[] BuildApiNames()
    {
        var names = new string[ApiKeys.All.Max(i => (short)i.Key) + 1];
        foreach (var info in ApiKeys.All) names[(short)info.Key] = info.Name;
        return names;
    }
}
