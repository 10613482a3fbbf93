using System.Collections.Concurrent;
using Samsa.Client.Connections;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Client;

/// <summary>The kind of coordinator FindCoordinator looks up (its <c>KeyType</c>).</summary>
public enum CoordinatorType : sbyte
{
    /// <summary>Consumer group coordinator.</summary>
    Group = 0,
    /// <summary>Transaction coordinator.</summary>
    Transaction = 1,
    /// <summary>Share group coordinator (KIP-932).</summary>
    Share = 2,
}

public sealed partial class KafkaCluster
{
    private readonly ConcurrentDictionary<(CoordinatorType, string), int> _coordinators = new();

    /// <summary>The connection to the coordinator of <paramref name="key"/> (group id or transactional id).</summary>
    public async ValueTask<KafkaConnection> GetCoordinatorConnectionAsync(CoordinatorType type, string key, CancellationToken cancellationToken = default)
    {
        int nodeId = await FindCoordinatorAsync(type, key, cancellationToken).ConfigureAwait(false);
        return await GetConnectionAsync(nodeId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The coordinator's node id for one key (cached until <see cref="InvalidateCoordinator"/>).</summary>
    public async ValueTask<int> FindCoordinatorAsync(CoordinatorType type, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_coordinators.TryGetValue((type, key), out int cached)) return cached;
        var found = await FindCoordinatorsAsync(type, [key], cancellationToken).ConfigureAwait(false);
        return found[key];
    }

    /// <summary>
    /// Looks up coordinators for several keys: one batched FindCoordinator (v4+) when the broker supports it, else one
    /// request per key (v0-3). Retriable errors (COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR)
    /// are retried with backoff until <c>default.api.timeout.ms</c>; others throw a <see cref="KafkaException"/>.
    /// </summary>
    public async ValueTask<IReadOnlyDictionary<string, int>> FindCoordinatorsAsync(CoordinatorType type, IReadOnlyCollection<string> keys,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        var missing = new HashSet<string>(keys, StringComparer.Ordinal);
        await RetryAsync<bool>(async ct =>
        {
            var connection = await GetAnyConnectionAsync(ct).ConfigureAwait(false);
            short version = connection.ApiVersions!.Select(ApiKey.FindCoordinator);
            KafkaException? retriable = null;
            if (version >= 4)
            {
                var request = new FindCoordinatorRequest { KeyType = (sbyte)type, CoordinatorKeys = [.. missing] };
                var response = await connection.SendAsync(request, version, null, ct).ConfigureAwait(false);
                foreach (var c in response.Coordinators)
                    retriable = Record(type, c.Key, (ErrorCode)c.ErrorCode, c.ErrorMessage, c.NodeId, c.Host, c.Port, result, missing) ?? retriable;
            }
            else
            {
                if (type != CoordinatorType.Group && version < 1)
                    throw new UnsupportedVersionException($"FindCoordinator v{version} cannot look up {type} coordinators.", ApiKey.FindCoordinator);
                foreach (var key in missing.ToArray())
                {
                    var request = new FindCoordinatorRequest { Key = key, KeyType = (sbyte)type };
                    var response = await connection.SendAsync(request, version, null, ct).ConfigureAwait(false);
                    retriable = Record(type, key, (ErrorCode)response.ErrorCode, response.ErrorMessage, response.NodeId, response.Host, response.Port, result, missing) ?? retriable;
                }
            }
            if (retriable is not null) throw retriable;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Forgets a cached coordinator, after NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE from it.</summary>
    public void InvalidateCoordinator(CoordinatorType type, string key) => _coordinators.TryRemove((type, key), out _);

    private KafkaException? Record(CoordinatorType type, string key, ErrorCode error, string? message, int nodeId, string host, int port,
        Dictionary<string, int> result, HashSet<string> missing)
    {
        if (error == ErrorCode.None)
        {
            LearnBroker(nodeId, host, port);
            _coordinators[(type, key)] = nodeId;
            result[key] = nodeId;
            missing.Remove(key);
            return null;
        }
        var exception = KafkaException.FromErrorCode(error, $"FindCoordinator for {type} '{key}': {message ?? error.Describe()}");
        if (exception.IsRetriable) return exception;
        throw exception;
    }
}
