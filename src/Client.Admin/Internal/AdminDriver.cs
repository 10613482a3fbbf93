using Microsoft.Extensions.Logging;
using Samsa.Client;
using Samsa.Client.Connections;
using Samsa.Protocol;

namespace Samsa.Admin.Internal;

/// <summary>
/// Runs one admin operation over many items: resolves each item's <see cref="Route"/> to a broker, sends one batched
/// request per broker (in parallel), and records a per-item result. Items that fail with a routing error
/// (NOT_CONTROLLER, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, leader changes, lost connections…) are re-routed
/// and retried with backoff until <c>default.api.timeout.ms</c>; every other error is final for its item only.
/// </summary>
internal sealed class AdminDriver
{
    private const int AnyNode = int.MinValue;
    private readonly KafkaCluster _cluster;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public AdminDriver(KafkaCluster cluster, ILogger logger, TimeProvider time)
    {
        _cluster = cluster;
        _logger = logger;
        _time = time;
    }

    public KafkaCluster Cluster => _cluster;

    /// <summary>Errors that mean "ask again, maybe elsewhere".</summary>
    public static bool IsRoutingError(ErrorCode code) => code is ErrorCode.NotController or ErrorCode.NotCoordinator
        or ErrorCode.CoordinatorLoadInProgress or ErrorCode.CoordinatorNotAvailable or ErrorCode.NotLeaderOrFollower
        or ErrorCode.LeaderNotAvailable or ErrorCode.FencedLeaderEpoch or ErrorCode.UnknownLeaderEpoch
        or ErrorCode.NetworkException or ErrorCode.RequestTimedOut;

    /// <summary>Sends a single request (one item, no key) along <paramref name="route"/>; throws the item's error.</summary>
    public async Task<TValue> RunSingleAsync<TValue>(string operation, Route route,
        Func<KafkaConnection, CancellationToken, ValueTask<Outcome<TValue>>> send, CancellationToken cancellationToken)
    {
        var results = await RunAsync<int, TValue>(operation, [0], _ => route,
            async (c, _, ct) => new Dictionary<int, Outcome<TValue>> { [0] = await send(c, ct).ConfigureAwait(false) },
            cancellationToken).ConfigureAwait(false);
        return results[0].Value;
    }

    /// <summary>Runs <paramref name="send"/> per broker batch until every item has a final result.</summary>
    public async Task<AdminResults<TKey, TValue>> RunAsync<TKey, TValue>(string operation, IEnumerable<TKey> keys,
        Func<TKey, Route> route,
        Func<KafkaConnection, IReadOnlyList<TKey>, CancellationToken, ValueTask<Dictionary<TKey, Outcome<TValue>>>> send,
        CancellationToken cancellationToken)
        where TKey : notnull
    {
        var order = keys.Distinct().ToList();
        var final = new Dictionary<TKey, ItemResult<TKey, TValue>>();
        var pending = new List<TKey>(order);
        long began = _time.GetTimestamp();
        // As Kafka's admin client: an operation gets at least request.timeout.ms even when default.api.timeout.ms is lower.
        var deadline = TimeSpan.FromMilliseconds(Math.Max(_cluster.Options.DefaultApiTimeoutMs, _cluster.Options.RequestTimeoutMs));
        var refreshTopics = new HashSet<string>(StringComparer.Ordinal);
        bool refreshController = false;
        for (int attempt = 1; pending.Count > 0; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var retry = new Dictionary<TKey, AdminError>();
            var batches = await ResolveAsync(pending, route, final, retry, refreshTopics, refreshController, cancellationToken).ConfigureAwait(false);
            refreshTopics.Clear();
            refreshController = false;
            var sends = batches.Select(async batch =>
            {
                try
                {
                    var connection = batch.Key == AnyNode
                        ? await _cluster.GetAnyConnectionAsync(cancellationToken).ConfigureAwait(false)
                        : await _cluster.GetConnectionAsync(batch.Key, cancellationToken).ConfigureAwait(false);
                    return (batch.Value, Outcomes: await send(connection, batch.Value, cancellationToken).ConfigureAwait(false), Failure: (KafkaException?)null);
                }
                catch (KafkaException e)
                {
                    return (batch.Value, Outcomes: (Dictionary<TKey, Outcome<TValue>>?)null, Failure: e);
                }
            }).ToList();
            foreach (var (items, outcomes, failure) in await Task.WhenAll(sends).ConfigureAwait(false))
            {
                foreach (var key in items)
                {
                    AdminError error;
                    if (failure is not null)
                    {
                        error = AdminError.Of(failure.ErrorCode, failure.Message);
                        if (failure.IsRetriable || IsRoutingError(failure.ErrorCode))
                        {
                            retry[key] = error;
                            // The controller may have moved (it went down): look it up again, as Java's admin does.
                            if (route(key).Kind == RouteKind.Controller) refreshController = true;
                            continue;
                        }
                    }
                    else if (!outcomes!.TryGetValue(key, out var outcome))
                    {
                        // A response without the item (seen from librdkafka's mock): ask again rather than guess.
                        retry[key] = AdminError.Of(ErrorCode.UnknownServerError, $"The broker's {operation} response has no result for {key}.");
                        continue;
                    }
                    else if (outcome.Error is null)
                    {
                        final[key] = new ItemResult<TKey, TValue>(key, outcome.Value!);
                        continue;
                    }
                    else
                    {
                        error = outcome.Error;
                        if (IsRoutingError(error.Code))
                        {
                            retry[key] = error;
                            React(route(key), error.Code, refreshTopics, ref refreshController);
                            continue;
                        }
                    }
                    final[key] = new ItemResult<TKey, TValue>(key, error);
                }
            }
            pending = retry.Keys.ToList();
            if (pending.Count == 0) break;
            var backoff = Backoff(attempt);
            var last = retry.Values.First().Code;
            if (_time.GetElapsedTime(began) + backoff >= deadline)
            {
                Log.TimedOut(_logger, operation, pending.Count, attempt, last);
                foreach (var (key, error) in retry)
                    final[key] = new ItemResult<TKey, TValue>(key, new AdminError(ErrorCode.RequestTimedOut,
                        $"{operation} gave up after {attempt} attempt(s) within default.api.timeout.ms; last error {error}"));
                break;
            }
            Log.Retrying(_logger, operation, pending.Count, last, attempt, (long)backoff.TotalMilliseconds);
            await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
        }
        return new AdminResults<TKey, TValue>(order.Select(k => final[k]).ToList());
    }

    private void React(Route route, ErrorCode code, HashSet<string> refreshTopics, ref bool refreshController)
    {
        switch (code)
        {
            case ErrorCode.NotController:
                refreshController = true;
                break;
            case ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable when route.Kind == RouteKind.Coordinator:
                _cluster.InvalidateCoordinator(route.Coordinator, route.Key!);
                break;
            default:
                if (route.Kind == RouteKind.Leader) refreshTopics.Add(route.Topic!);
                _cluster.HandleError(code);
                break;
        }
    }

    private async Task<Dictionary<int, List<TKey>>> ResolveAsync<TKey, TValue>(List<TKey> pending, Func<TKey, Route> route,
        Dictionary<TKey, ItemResult<TKey, TValue>> final, Dictionary<TKey, AdminError> retry, HashSet<string> refreshTopics,
        bool refreshController, CancellationToken cancellationToken)
        where TKey : notnull
    {
        var routes = pending.Select(k => (Key: k, Route: route(k))).ToList();
        var metadata = _cluster.Metadata;
        // Leaders: refresh once for every topic that is unknown, leaderless or reported a leader change.
        var leaderTopics = routes.Where(r => r.Route.Kind == RouteKind.Leader)
            .Where(r => refreshTopics.Contains(r.Route.Topic!) || metadata.Partition(r.Route.Topic!, r.Route.Partition) is not { LeaderId: >= 0 })
            .Select(r => r.Route.Topic!).ToHashSet(StringComparer.Ordinal);
        bool needController = routes.Any(r => r.Route.Kind == RouteKind.Controller) && (refreshController || metadata.ControllerId < 0);
        if (leaderTopics.Count > 0 || needController || metadata.Brokers.Count == 0)
            metadata = await _cluster.RefreshMetadataAsync(leaderTopics, cancellationToken).ConfigureAwait(false);

        var coordinatorKeys = routes.Where(r => r.Route.Kind == RouteKind.Coordinator).Select(r => (r.Route.Coordinator, r.Route.Key!)).Distinct().ToList();
        var coordinators = new Dictionary<(CoordinatorType, string), (int Node, KafkaException? Error)>();
        var lookups = coordinatorKeys.Select(async c =>
        {
            try
            {
                return (c, (await _cluster.FindCoordinatorAsync(c.Item1, c.Item2, cancellationToken).ConfigureAwait(false), (KafkaException?)null));
            }
            catch (KafkaException e)
            {
                return (c, (-1, e));
            }
        });
        foreach (var (c, found) in await Task.WhenAll(lookups).ConfigureAwait(false)) coordinators[c] = found;

        var batches = new Dictionary<int, List<TKey>>();
        foreach (var (key, r) in routes)
        {
            int node;
            switch (r.Kind)
            {
                case RouteKind.Any:
                    node = AnyNode;
                    break;
                case RouteKind.Node:
                    node = r.NodeId;
                    break;
                case RouteKind.Controller:
                    // KRaft brokers report a random broker as "controller" and forward; an unknown id means any broker.
                    node = metadata.Brokers.ContainsKey(metadata.ControllerId) ? metadata.ControllerId : AnyNode;
                    break;
                case RouteKind.Leader:
                    if (!metadata.Topics.TryGetValue(r.Topic!, out var topic) || topic.Error == ErrorCode.UnknownTopicOrPartition)
                    {
                        final[key] = new ItemResult<TKey, TValue>(key, AdminError.Of(ErrorCode.UnknownTopicOrPartition, $"Topic '{r.Topic}' does not exist."));
                        continue;
                    }
                    if (topic.Error != ErrorCode.None && !topic.Error.IsRetriable())
                    {
                        final[key] = new ItemResult<TKey, TValue>(key, AdminError.Of(topic.Error));
                        continue;
                    }
                    if (!topic.Partitions.TryGetValue(r.Partition, out var p))
                    {
                        if (topic.Error == ErrorCode.None)
                            final[key] = new ItemResult<TKey, TValue>(key, AdminError.Of(ErrorCode.UnknownTopicOrPartition, $"Topic '{r.Topic}' has no partition {r.Partition}."));
                        else retry[key] = AdminError.Of(topic.Error);
                        continue;
                    }
                    if (p.LeaderId < 0)
                    {
                        retry[key] = AdminError.Of(ErrorCode.LeaderNotAvailable, $"{r.Topic}-{r.Partition} has no leader.");
                        continue;
                    }
                    node = p.LeaderId;
                    break;
                default:
                    var (found, error) = coordinators[(r.Coordinator, r.Key!)];
                    if (error is not null)
                    {
                        if (error.IsRetriable) retry[key] = AdminError.Of(error.ErrorCode, error.Message);
                        else final[key] = new ItemResult<TKey, TValue>(key, AdminError.Of(error.ErrorCode, error.Message));
                        continue;
                    }
                    node = found;
                    break;
            }
            if (!batches.TryGetValue(node, out var list)) batches[node] = list = [];
            list.Add(key);
        }
        return batches;
    }

    private TimeSpan Backoff(int attempt)
    {
        var options = _cluster.Options;
        double ms = Math.Min(options.RetryBackoffMaxMs, options.RetryBackoffMs * Math.Pow(2, Math.Min(attempt - 1, 20)));
        ms *= 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(Math.Max(1, ms));
    }
}
