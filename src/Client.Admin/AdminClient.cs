using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Admin.Internal;
using Samsa.Client;
using Samsa.Client.Connections;
using Samsa.Protocol;

namespace Samsa.Admin;

/// <summary>
/// Kafka's admin operations: topics, partitions, configs, consumer groups and their offsets, records, ACLs, quotas,
/// SCRAM credentials, transactions and cluster state. Each operation is a small handler that builds one request per
/// broker and maps the response to per-item results (<see cref="AdminResults{TKey, TValue}"/>), plus a routing
/// strategy: any broker, the controller, a specific broker, the partition leader, or the group/transaction
/// coordinator. Routing errors (NOT_CONTROLLER, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, leader changes, lost
/// connections) are retried with backoff until <c>default.api.timeout.ms</c>; other errors belong to their item only.
/// Thread-safe.
/// </summary>
public sealed partial class AdminClient : IAsyncDisposable
{
    private readonly KafkaCluster _cluster;
    private readonly bool _ownsCluster;
    private readonly AdminDriver _driver;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates an admin client with its own connections.</summary>
    /// <param name="options">Options; validated here.</param>
    /// <param name="loggerFactory">Logging; none by default.</param>
    /// <param name="timeProvider">Clock; the system clock by default.</param>
    /// <param name="transport">Transport; TCP by default.</param>
    public AdminClient(AdminOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null,
        IKafkaTransport? transport = null)
        : this(new KafkaCluster(options, loggerFactory, timeProvider, transport), ownsCluster: true, loggerFactory, timeProvider)
    {
    }

    /// <summary>Creates an admin client over a shared <see cref="KafkaCluster"/> (not disposed with the admin client).</summary>
    public AdminClient(KafkaCluster cluster, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(cluster, ownsCluster: false, loggerFactory, timeProvider)
    {
    }

    private AdminClient(KafkaCluster cluster, bool ownsCluster, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _cluster = cluster;
        _ownsCluster = ownsCluster;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Samsa.Admin");
        _time = timeProvider ?? TimeProvider.System;
        _driver = new AdminDriver(cluster, _logger, _time);
    }

    /// <summary>The cluster connection this client uses.</summary>
    public KafkaCluster Cluster => _cluster;

    private int RequestTimeoutMs => _cluster.Options.RequestTimeoutMs;

    /// <summary>Closes the connections if this client created them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ownsCluster) await _cluster.DisposeAsync().ConfigureAwait(false);
    }

    private static short Version(KafkaConnection connection, ApiKey key, short? max = null) => connection.ApiVersions!.Select(key, max);

    private static bool Supports(KafkaConnection connection, ApiKey key, short minVersion) =>
        connection.ApiVersions!.TrySelect(key, out short v) && v >= minVersion;

    /// <summary>Applies one error to every key of a batch (a request-level error).</summary>
    private static Dictionary<TKey, Outcome<TValue>> All<TKey, TValue>(IEnumerable<TKey> keys, short error, string? message)
        where TKey : notnull => keys.ToDictionary(k => k, _ => Outcome<TValue>.Fail(error, message));

    private static IReadOnlySet<AclOperation>? Operations(int bits)
    {
        if (bits == int.MinValue) return null;
        var set = new HashSet<AclOperation>();
        for (int i = 0; i < 32; i++)
        {
            if ((bits & (1 << i)) != 0) set.Add((AclOperation)i);
        }
        return set;
    }
}
