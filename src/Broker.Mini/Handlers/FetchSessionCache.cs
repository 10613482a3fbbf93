using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>One partition in an incremental fetch session, with what the client was last told about it.</summary>
internal sealed class SessionPartition(string topic, Uuid topicId, int partition)
{
    public string Topic { get; set; } = topic;
    public Uuid TopicId { get; } = topicId;
    public int Partition { get; } = partition;
    public long FetchOffset { get; set; }
    public int MaxBytes { get; set; }
    public int CurrentLeaderEpoch { get; set; } = -1;
    public long LastHighWatermark { get; set; } = -1;
    public long LastLogStartOffset { get; set; } = -1;
}

/// <summary>An incremental fetch session (KIP-227): its id, the next expected epoch and its partitions in order.</summary>
internal sealed class FetchSession(int id)
{
    public int Id { get; } = id;
    public int Epoch { get; set; } = 1;
    public bool UsesTopicIds { get; init; }
    public long LastUsedMs { get; set; }
    public List<SessionPartition> Partitions { get; } = new();

    public SessionPartition? Find(string topic, Uuid topicId, int partition) =>
        Partitions.Find(p => p.Partition == partition && (UsesTopicIds ? p.TopicId == topicId : p.Topic == topic));
}

/// <summary>
/// A broker's fetch sessions, bounded like Kafka's <c>max.incremental.fetch.session.cache.slots</c> (1000, least recently
/// used evicted). Accessed only under the cluster lock.
/// </summary>
internal sealed class FetchSessionCache
{
    public const int MaxSessions = 1000;
    private readonly Dictionary<int, FetchSession> _sessions = new();
    private int _nextId = Random.Shared.Next(1, int.MaxValue / 2);

    public int Count => _sessions.Count;

    public FetchSession Create(bool usesTopicIds, long nowMs)
    {
        if (_sessions.Count >= MaxSessions)
            _sessions.Remove(_sessions.Values.MinBy(s => s.LastUsedMs)!.Id);
        int id;
        do id = _nextId++ & int.MaxValue; while (id == 0 || _sessions.ContainsKey(id));
        var session = new FetchSession(id) { UsesTopicIds = usesTopicIds, LastUsedMs = nowMs };
        _sessions[id] = session;
        return session;
    }

    public FetchSession? Get(int id) => _sessions.GetValueOrDefault(id);

    public void Remove(int id) => _sessions.Remove(id);
}
