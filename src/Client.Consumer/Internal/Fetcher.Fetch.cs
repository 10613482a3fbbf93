using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Consumer.Internal;

internal sealed partial class Fetcher
{
    private async Task FetchAsync(int node, List<FetchSession.Wanted> wanted)
    {
        FetchSession session;
        lock (_sessions)
        {
            if (!_sessions.TryGetValue(node, out session!)) _sessions[node] = session = new FetchSession();
        }
        long started = _time.GetTimestamp();
        try
        {
            var connection = await _cluster.GetConnectionAsync(node, _stop.Token).ConfigureAwait(false);
            var request = new FetchRequest
            {
                ReplicaId = -1,
                MaxWaitMs = _options.FetchMaxWaitMs,
                MinBytes = _options.FetchMinBytes,
                MaxBytes = _options.FetchMaxBytes,
                IsolationLevel = (sbyte)_options.IsolationLevel,
                RackId = _options.ClientRack,
            };
            short version = connection.SelectVersion(request);
            // Fetch v13+ names topics by id only; fall back when metadata has no ids (older brokers).
            if (version >= 13 && wanted.Any(w => w.TopicId == Uuid.Zero)) version = 12;
            foreach (var w in wanted) session.RememberTopicId(w.State.TopicPartition.Topic, w.TopicId);
            if (version < 4) request.IsolationLevel = 0;
            if (version < 11) request.RackId = "";
            if (version < 3) request.MaxBytes = int.MaxValue;
            session.Build(request, wanted, version, _options.MaxPartitionFetchBytes);
            var timeout = TimeSpan.FromMilliseconds((long)_options.RequestTimeoutMs + _options.FetchMaxWaitMs);
            var lease = await connection.SendLeasedAsync(request, version, timeout, _stop.Token).ConfigureAwait(false);
            var shared = new SharedFetchResponse(lease);
            try
            {
                var response = lease.Response;
                var error = (ErrorCode)response.ErrorCode;
                if (error != ErrorCode.None)
                {
                    session.Reset();
                    if (!FetchSession.IsSessionError(error)) Backoff(wanted);
                    Log.FetchError(_logger, node, error);
                    return;
                }
                session.OnResponse(response.SessionId);
                // Count the fetch before its records become visible to ConsumeAsync.
                _metrics.RecordFetch(_time.GetElapsedTime(started));
                _metrics.RecordFetchedBytes(HandleResponse(response, wanted, version, shared));
            }
            finally
            {
                shared.Release();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is KafkaException or IOException or ObjectDisposedException)
        {
            session.Reset();
            Log.FetchFailed(_logger, e, node);
            _cluster.RequestMetadataUpdate();
            Backoff(wanted);
        }
        finally
        {
            lock (_state.Gate)
            {
                _busyNodes.Remove(node);
                foreach (var w in wanted) w.State.Fetching = false;
            }
            _state.FetcherWake.Set();
        }
    }

    private long HandleResponse(FetchResponse response, List<FetchSession.Wanted> wanted, short version, SharedFetchResponse shared)
    {
        var byPartition = new Dictionary<TopicPartition, FetchSession.Wanted>(wanted.Count);
        var topicNames = new Dictionary<Uuid, string>();
        foreach (var w in wanted)
        {
            byPartition[w.State.TopicPartition] = w;
            if (w.TopicId != Uuid.Zero) topicNames[w.TopicId] = w.State.TopicPartition.Topic;
        }
        long now = _time.GetTimestamp();
        long bytes = 0;
        bool refreshMetadata = false;
        lock (_state.Gate)
        {
            foreach (var topic in response.Responses)
            {
                string? name = version >= 13 ? (topicNames.TryGetValue(topic.TopicId, out var n) ? n : null) : topic.Topic;
                if (name is null) continue;
                foreach (var data in topic.Partitions)
                {
                    var tp = new TopicPartition(name, data.PartitionIndex);
                    if (!byPartition.TryGetValue(tp, out var w)) continue;
                    var state = w.State;
                    if (state.Generation != w.Generation || state.FetchPosition != w.Offset) continue;
                    var error = (ErrorCode)data.ErrorCode;
                    if (error == ErrorCode.None)
                    {
                        state.HighWatermark = data.HighWatermark;
                        if (data.LastStableOffset >= 0) state.LastStableOffset = data.LastStableOffset;
                        if (data.LogStartOffset >= 0) state.LogStartOffset = data.LogStartOffset;
                        if (data.PreferredReadReplica >= 0 && data.PreferredReadReplica != state.PreferredReadReplica)
                        {
                            state.PreferredReadReplica = data.PreferredReadReplica;
                            state.PreferredReadReplicaExpiry = now + MsToTicks(_options.MetadataMaxAgeMs);
                        }
                        if (data.Records is not { Length: > 0 } records) continue;
                        long next = RecordSetScanner.NextOffset(records.Span);
                        if (next <= w.Offset) continue;
                        bytes += records.Length;
                        shared.AddReference();
                        var aborted = _options.IsolationLevel == IsolationLevel.ReadCommitted && data.AbortedTransactions is { Count: > 0 } a ? a : null;
                        _state.Enqueue(new CompletedFetch(state, w.Generation, w.Offset, records, aborted, shared));
                        state.FetchPosition = next;
                        continue;
                    }
                    HandlePartitionError(state, error, now, ref refreshMetadata);
                }
            }
        }
        if (refreshMetadata) _cluster.RequestMetadataUpdate();
        return bytes;
    }

    private void HandlePartitionError(PartitionState state, ErrorCode error, long now, ref bool refreshMetadata)
    {
        switch (error)
        {
            case ErrorCode.OffsetOutOfRange:
                if (state.PreferredReadReplica >= 0)
                {
                    // A follower may lag behind the leader: go back to the leader before deciding (KIP-392).
                    state.PreferredReadReplica = -1;
                    return;
                }
                Log.OffsetOutOfRange(_logger, state.TopicPartition.ToString(), state.FetchPosition, _options.AutoOffsetReset.ToString());
                if (_options.AutoOffsetReset == AutoOffsetReset.None)
                {
                    state.PendingError = new OffsetOutOfRangeException(state.TopicPartition, state.FetchPosition);
                    _state.RaiseAttention();
                    return;
                }
                state.RequestReset(_options.AutoOffsetReset == AutoOffsetReset.Earliest ? Offsets.Beginning : Offsets.End);
                return;
            case ErrorCode.NotLeaderOrFollower or ErrorCode.FencedLeaderEpoch or ErrorCode.UnknownLeaderEpoch or ErrorCode.UnknownTopicOrPartition
                or ErrorCode.LeaderNotAvailable or ErrorCode.KafkaStorageError or ErrorCode.OffsetNotAvailable or ErrorCode.UnknownTopicId
                or ErrorCode.InconsistentTopicId or ErrorCode.ReplicaNotAvailable:
                state.PreferredReadReplica = -1;
                state.BackoffUntil = now + MsToTicks(_options.RetryBackoffMs);
                refreshMetadata = true;
                return;
            default:
                var exception = KafkaException.FromErrorCode(error, $"Fetch {state.TopicPartition}: {error.Describe()}");
                if (exception.IsRetriable) state.BackoffUntil = now + MsToTicks(_options.RetryBackoffMs);
                else
                {
                    state.PendingError = exception;
                    _state.RaiseAttention();
                }
                return;
        }
    }

    private void Backoff(List<FetchSession.Wanted> wanted)
    {
        long until = _time.GetTimestamp() + MsToTicks(_options.RetryBackoffMs);
        lock (_state.Gate)
        {
            foreach (var w in wanted)
            {
                w.State.BackoffUntil = until;
                w.State.PreferredReadReplica = -1;
            }
        }
    }
}
