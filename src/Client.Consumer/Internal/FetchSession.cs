using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Consumer.Internal;

/// <summary>
/// A KIP-227 incremental fetch session with one broker. The first request (epoch 0) lists every partition; later ones
/// list only partitions that are new or whose fetch offset changed, and name the ones to forget. Any session error
/// (or a failed request) drops back to a full request.
/// </summary>
internal sealed class FetchSession
{
    private readonly Dictionary<TopicPartition, (long Offset, int Epoch)> _sent = new();
    private Dictionary<TopicPartition, (long Offset, int Epoch)>? _pending;

    public int SessionId { get; private set; }

    public int Epoch { get; private set; }

    /// <summary>One partition to fetch: its state snapshot at build time.</summary>
    public readonly record struct Wanted(PartitionState State, long Offset, int Generation, int LeaderEpoch, Uuid TopicId);

    /// <summary>Fills the request's session fields, topics and forgotten topics for <paramref name="wanted"/>.</summary>
    public void Build(FetchRequest request, IReadOnlyList<Wanted> wanted, short version, int partitionMaxBytes)
    {
        bool sessions = version >= 7;
        bool incremental = sessions && SessionId != 0;
        request.SessionId = incremental ? SessionId : 0;
        request.SessionEpoch = !sessions ? -1 : incremental ? Epoch : 0;
        var next = new Dictionary<TopicPartition, (long, int)>(wanted.Count);
        var topics = new Dictionary<string, FetchRequest.FetchTopic>(StringComparer.Ordinal);
        foreach (var w in wanted)
        {
            var tp = w.State.TopicPartition;
            next[tp] = (w.Offset, w.LeaderEpoch);
            if (incremental && _sent.TryGetValue(tp, out var previous) && previous == (w.Offset, w.LeaderEpoch)) continue;
            if (!topics.TryGetValue(tp.Topic, out var topic))
            {
                topic = version >= 13 ? new FetchRequest.FetchTopic { TopicId = w.TopicId } : new FetchRequest.FetchTopic { Topic = tp.Topic };
                topics[tp.Topic] = topic;
                request.Topics.Add(topic);
            }
            topic.Partitions.Add(new FetchRequest.FetchPartition
            {
                Partition = tp.Partition,
                FetchOffset = w.Offset,
                CurrentLeaderEpoch = version >= 9 ? w.LeaderEpoch : -1,
                PartitionMaxBytes = partitionMaxBytes,
            });
        }
        if (incremental)
        {
            var forgotten = new Dictionary<string, FetchRequest.ForgottenTopic>(StringComparer.Ordinal);
            foreach (var tp in _sent.Keys)
            {
                if (next.ContainsKey(tp)) continue;
                if (!forgotten.TryGetValue(tp.Topic, out var topic))
                {
                    topic = version >= 13 ? new FetchRequest.ForgottenTopic { TopicId = TopicIdOf(wanted, tp.Topic) } : new FetchRequest.ForgottenTopic { Topic = tp.Topic };
                    forgotten[tp.Topic] = topic;
                    request.ForgottenTopicsData.Add(topic);
                }
                topic.Partitions.Add(tp.Partition);
            }
        }
        _pending = next;
    }

    /// <summary>Records a successful response: the session is created or advanced.</summary>
    public void OnResponse(int responseSessionId)
    {
        if (responseSessionId == 0)
        {
            // The broker keeps no session (sessions unsupported, or the cache is full): stay with full requests.
            Reset();
            return;
        }
        if (SessionId == 0 || SessionId != responseSessionId)
        {
            SessionId = responseSessionId;
            Epoch = 1;
        }
        else Epoch = Epoch == int.MaxValue ? 1 : Epoch + 1;
        _sent.Clear();
        if (_pending is not null)
        {
            foreach (var (tp, value) in _pending) _sent[tp] = value;
        }
        _pending = null;
    }

    /// <summary>Forgets the session: the next request is a full one.</summary>
    public void Reset()
    {
        SessionId = 0;
        Epoch = 0;
        _sent.Clear();
        _pending = null;
    }

    /// <summary>True for the errors that end a session.</summary>
    public static bool IsSessionError(ErrorCode error) =>
        error is ErrorCode.FetchSessionIdNotFound or ErrorCode.InvalidFetchSessionEpoch or ErrorCode.FetchSessionTopicIdError;

    private Uuid TopicIdOf(IReadOnlyList<Wanted> wanted, string topic)
    {
        foreach (var w in wanted)
        {
            if (w.State.TopicPartition.Topic == topic) return w.TopicId;
        }
        return _topicIds.TryGetValue(topic, out var id) ? id : Uuid.Zero;
    }

    private readonly Dictionary<string, Uuid> _topicIds = new(StringComparer.Ordinal);

    /// <summary>Remembers topic ids so that forgotten topics can be named by id (Fetch v13+).</summary>
    public void RememberTopicId(string topic, Uuid id)
    {
        if (id != Uuid.Zero) _topicIds[topic] = id;
    }
}
