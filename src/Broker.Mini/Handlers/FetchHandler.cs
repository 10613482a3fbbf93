using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// Fetch (1), v4+: reads whole stored batches (slices of the log, not copies) within the response and partition byte
/// limits, long-polls until <c>fetch.min.bytes</c> arrive or <c>fetch.max.wait.ms</c> passes (woken by appends, never by
/// polling), and keeps incremental fetch sessions (KIP-227) from v7. read_committed (isolation level 1) stops at the
/// last stable offset and lists the aborted transactions overlapping the returned batches.
/// </summary>
internal sealed partial class FetchHandler : RequestHandler<FetchRequest>
{
    /// <summary>Kafka's broker-side <c>fetch.max.bytes</c> default (55 MiB), which caps a request's MaxBytes.</summary>
    private const int BrokerFetchMaxBytes = 57_671_680;

    public override ApiKey Key => ApiKey.Fetch;

    public override short MinVersion => 4;

    protected override async ValueTask<IKafkaApiMessage?> HandleAsync(RequestContext context, FetchRequest request, CancellationToken cancellationToken)
    {
        var cluster = context.Cluster;
        var time = cluster.Time;
        var deadline = time.GetUtcNow().AddMilliseconds(Math.Max(request.MaxWaitMs, 0));
        FetchSession? session;
        bool incremental;
        lock (cluster.Sync)
        {
            var error = SetupSession(context, request, out session, out incremental);
            if (error != ErrorCode.None) return new FetchResponse { ErrorCode = (short)error };
        }
        while (true)
        {
            Task wake;
            lock (cluster.Sync)
            {
                var (_, bytes, hasError) = Build(context, request, session, incremental, commit: false);
                wake = cluster.DataArrived;
                if (hasError || bytes >= request.MinBytes || request.MaxWaitMs <= 0 || request.MinBytes <= 0) break;
            }
            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero) break;
            await Task.WhenAny(wake, Task.Delay(remaining, time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        lock (cluster.Sync)
        {
            return Build(context, request, session, incremental, commit: true).Response;
        }
    }

    /// <summary>Builds the response; with <paramref name="commit"/> it also records what the session's client has been told.</summary>
    private static (FetchResponse Response, long Bytes, bool HasError) Build(
        RequestContext context, FetchRequest request, FetchSession? session, bool incremental, bool commit)
    {
        var response = new FetchResponse { SessionId = session?.Id ?? 0 };
        long budget = Math.Min(request.MaxBytes, BrokerFetchMaxBytes);
        long bytes = 0;
        bool hasError = false;
        bool useIds = context.Version >= 13;
        IEnumerable<(string Topic, Uuid TopicId, int Partition, long Offset, int MaxBytes, int Epoch, SessionPartition? Cached)> wanted = session is not null
            ? session.Partitions.Select(p => (p.Topic, p.TopicId, p.Partition, p.FetchOffset, p.MaxBytes, p.CurrentLeaderEpoch, (SessionPartition?)p)).ToList()
            : request.Topics.SelectMany(t => t.Partitions.Select(p => (t.Topic, t.TopicId, p.Partition, p.FetchOffset, p.PartitionMaxBytes, p.CurrentLeaderEpoch, (SessionPartition?)null))).ToList();
        FetchResponse.FetchableTopicResponse? current = null;
        foreach (var w in wanted)
        {
            var data = ReadPartition(context, request, w.Topic, w.TopicId, w.Partition, w.Offset, w.MaxBytes, w.Epoch, budget - bytes, bytes == 0, out string? resolvedName);
            long size = data.Records?.Length ?? 0;
            bytes += size;
            if (data.ErrorCode != 0) hasError = true;
            if (incremental && w.Cached is { } c && data.ErrorCode == 0 && size == 0
                && c.LastHighWatermark == data.HighWatermark && c.LastLogStartOffset == data.LogStartOffset)
                continue;
            if (commit && w.Cached is { } cached)
            {
                cached.LastHighWatermark = data.HighWatermark;
                cached.LastLogStartOffset = data.LogStartOffset;
                if (resolvedName is not null) cached.Topic = resolvedName;
            }
            string name = resolvedName ?? w.Topic;
            if (current is null || (useIds ? current.TopicId != w.TopicId : current.Topic != name))
            {
                current = new FetchResponse.FetchableTopicResponse { Topic = name, TopicId = w.TopicId };
                response.Responses.Add(current);
            }
            current.Partitions.Add(data);
        }
        return (response, bytes, hasError);
    }

    private static FetchResponse.PartitionData ReadPartition(RequestContext context, FetchRequest request, string topicName, Uuid topicId,
        int index, long fetchOffset, int maxBytes, int currentLeaderEpoch, long budget, bool first, out string? resolvedName)
    {
        var cluster = context.Cluster;
        var data = new FetchResponse.PartitionData { PartitionIndex = index, HighWatermark = -1, LastStableOffset = -1, LogStartOffset = -1, Records = ReadOnlyMemory<byte>.Empty };
        resolvedName = null;
        TopicState? topic;
        if (context.Version >= 13)
        {
            if (!cluster.TopicsById.TryGetValue(topicId, out topic)) return Error(data, ErrorCode.UnknownTopicId);
        }
        else if (!cluster.Topics.TryGetValue(topicName, out topic)) return Error(data, ErrorCode.UnknownTopicOrPartition);
        resolvedName = topic.Name;
        if (index < 0 || index >= topic.Partitions.Count) return Error(data, ErrorCode.UnknownTopicOrPartition);
        var p = topic.Partitions[index];
        var error = cluster.LeaderError(p, context.Broker.Id);
        if (error == ErrorCode.None) error = ClusterState.EpochError(p, currentLeaderEpoch);
        if (error != ErrorCode.None) return Error(data, error);
        bool readCommitted = request.IsolationLevel == 1;
        long lastStable = p.LastStableOffset;
        data.HighWatermark = p.HighWatermark;
        data.LastStableOffset = lastStable;
        data.LogStartOffset = p.Log.LogStartOffset;
        data.AbortedTransactions = readCommitted ? new() : null;
        if (fetchOffset < p.Log.LogStartOffset || fetchOffset > p.Log.LogEndOffset)
        {
            data.ErrorCode = (short)ErrorCode.OffsetOutOfRange;
            return data;
        }
        int limit = (int)Math.Max(0, Math.Min(maxBytes, budget));
        data.Records = limit > 0 || first ? p.Log.Read(fetchOffset, limit, first, readCommitted ? lastStable : p.HighWatermark) : ReadOnlyMemory<byte>.Empty;
        if (readCommitted && data.Records is { Length: > 0 } records)
        {
            foreach (var aborted in p.Producers.AbortedBetween(fetchOffset, EndOffset(records.Span)))
                data.AbortedTransactions!.Add(new FetchResponse.AbortedTransaction { ProducerId = aborted.ProducerId, FirstOffset = aborted.FirstOffset });
        }
        return data;
    }

    /// <summary>The offset after the last batch of a record set (whole batches, as the log returns them).</summary>
    private static long EndOffset(ReadOnlySpan<byte> records)
    {
        long end = -1;
        while (records.Length >= Samsa.Protocol.Records.RecordBatchHeader.Size)
        {
            var header = Samsa.Protocol.Records.RecordBatchHeader.Read(records);
            end = header.LastOffset + 1;
            int size = (int)Storage.PartitionLog.ReadBatchLength(records) + Samsa.Protocol.Records.RecordBatchHeader.LogOverhead;
            if (size <= 0 || size > records.Length) break;
            records = records[size..];
        }
        return end;
    }

    private static FetchResponse.PartitionData Error(FetchResponse.PartitionData data, ErrorCode code)
    {
        data.ErrorCode = (short)code;
        return data;
    }
}
