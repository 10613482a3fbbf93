using System.Collections.Concurrent;
using Samsa.Client;
using Samsa.Protocol;

namespace Samsa.Producer.Internal;

/// <summary>The topics a producer writes to, with their partition queues kept in step with cluster metadata.</summary>
internal sealed class TopicRegistry(KafkaCluster cluster, TimeProvider time, CancellationToken stopping)
{
    private readonly ConcurrentDictionary<string, TopicState> _topics = new(StringComparer.Ordinal);
    private TopicState[] _all = [];
    private ClusterMetadata? _applied;

    /// <summary>Every known topic (snapshot).</summary>
    public TopicState[] All => Volatile.Read(ref _all);

    /// <summary>The topic's state, starting a metadata lookup the first time.</summary>
    public TopicState Get(string topic)
    {
        if (_topics.TryGetValue(topic, out var state)) return state;
        return Add(topic);
    }

    private TopicState Add(string topic)
    {
        var created = new TopicState(topic);
        var state = _topics.GetOrAdd(topic, created);
        if (!ReferenceEquals(state, created)) return state;
        lock (_topics) Volatile.Write(ref _all, [.. _all, state]);
        if (!Apply(cluster.Metadata, state)) _ = FetchAsync(state);
        return state;
    }

    /// <summary>Applies the cluster's metadata snapshot to every topic if it changed; returns the snapshot.</summary>
    public ClusterMetadata Refresh()
    {
        var metadata = cluster.Metadata;
        if (ReferenceEquals(metadata, _applied)) return metadata;
        foreach (var state in All) Apply(metadata, state);
        _applied = metadata;
        return metadata;
    }

    private static bool Apply(ClusterMetadata metadata, TopicState state)
    {
        if (!metadata.Topics.TryGetValue(state.Name, out var topic) || topic.Partitions.Count == 0) return false;
        int count = topic.Partitions.Keys.Max() + 1;
        var available = new List<int>(count);
        foreach (var p in topic.Partitions.Values)
        {
            if (p.LeaderId >= 0 && metadata.Brokers.ContainsKey(p.LeaderId)) available.Add(p.Partition);
        }
        available.Sort();
        state.Update(count, [.. available]);
        return true;
    }

    private async Task FetchAsync(TopicState state)
    {
        for (int attempt = 1; !stopping.IsCancellationRequested && !state.Ready.Task.IsCompleted; attempt++)
        {
            try
            {
                var metadata = await cluster.RefreshMetadataAsync([state.Name], stopping).ConfigureAwait(false);
                if (metadata.Topics.TryGetValue(state.Name, out var topic) && topic.Error is not (ErrorCode.None or ErrorCode.UnknownTopicOrPartition or ErrorCode.LeaderNotAvailable))
                {
                    state.Error = KafkaException.FromErrorCode(topic.Error, $"Topic '{state.Name}': {topic.Error.Describe()}");
                    state.Ready.TrySetResult();
                    return;
                }
                if (Apply(metadata, state)) return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (KafkaException e) when (!e.IsRetriable)
            {
                state.Error = e;
                state.Ready.TrySetResult();
                return;
            }
            catch (KafkaException)
            {
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * attempt, 1000)), time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
