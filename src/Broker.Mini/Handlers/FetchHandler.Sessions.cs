using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

internal sealed partial class FetchHandler
{
    private const int FinalEpoch = -1;
    private const int InitialEpoch = 0;

    /// <summary>
    /// Applies KIP-227 session rules before the fetch is served: epoch -1 is a sessionless full fetch (closing any named
    /// session), epoch 0 opens a new session with the request's partitions, and a positive epoch updates an existing
    /// session incrementally (adding or changing partitions, removing forgotten ones) and advances its epoch.
    /// </summary>
    private static ErrorCode SetupSession(RequestContext context, FetchRequest request, out FetchSession? session, out bool incremental)
    {
        session = null;
        incremental = false;
        if (context.Version < 7) return ErrorCode.None;
        var cache = context.Broker.Sessions;
        long now = context.Cluster.NowMs;
        bool useIds = context.Version >= 13;
        if (request.SessionEpoch == FinalEpoch)
        {
            if (request.SessionId != 0) cache.Remove(request.SessionId);
            return ErrorCode.None;
        }
        if (request.SessionEpoch == InitialEpoch)
        {
            if (request.SessionId != 0) cache.Remove(request.SessionId);
            session = cache.Create(useIds, now);
            Upsert(session, request);
            session.Epoch = 1;
            return ErrorCode.None;
        }
        session = cache.Get(request.SessionId);
        if (session is null) return ErrorCode.FetchSessionIdNotFound;
        if (session.Epoch != request.SessionEpoch)
        {
            session = null;
            return ErrorCode.InvalidFetchSessionEpoch;
        }
        if (session.UsesTopicIds != useIds)
        {
            session = null;
            return ErrorCode.FetchSessionTopicIdError;
        }
        foreach (var forgotten in request.ForgottenTopicsData)
            foreach (int index in forgotten.Partitions)
                if (session.Find(forgotten.Topic, forgotten.TopicId, index) is { } gone) session.Partitions.Remove(gone);
        Upsert(session, request);
        session.Epoch = session.Epoch == int.MaxValue ? 1 : session.Epoch + 1;
        session.LastUsedMs = now;
        incremental = true;
        return ErrorCode.None;
    }

    private static void Upsert(FetchSession session, FetchRequest request)
    {
        foreach (var topic in request.Topics)
        {
            foreach (var p in topic.Partitions)
            {
                var cached = session.Find(topic.Topic, topic.TopicId, p.Partition);
                if (cached is null)
                {
                    cached = new SessionPartition(topic.Topic, topic.TopicId, p.Partition);
                    session.Partitions.Add(cached);
                }
                cached.FetchOffset = p.FetchOffset;
                cached.MaxBytes = p.PartitionMaxBytes;
                cached.CurrentLeaderEpoch = p.CurrentLeaderEpoch;
            }
        }
    }
}
