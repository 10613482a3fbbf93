using Samsa.Producer;

namespace Samsa.Streams.Runtime;

internal sealed partial class StreamThread
{
    private readonly Dictionary<TopicPartition, long> _purgeable = new();
    private long _lastPurge;

    /// <summary>Under exactly-once, the first record sent after a commit begins the thread's transaction.</summary>
    private void BeginTransactionIfNeeded()
    {
        if (!ExactlyOnce || _inTransaction) return;
        _producer!.BeginTransaction();
        _inTransaction = true;
    }

    /// <summary>
    /// Commits every restored task: flush the stores (changelog records go out), flush the producer, then commit the
    /// input offsets: with the consumer under at-least-once (and write <c>.checkpoint</c> files), or inside the
    /// transaction under exactly-once (<c>SendOffsetsToTransaction</c> + <c>CommitTransaction</c>).
    /// </summary>
    private async Task CommitAsync()
    {
        var running = _tasks.Values.Where(t => t.IsRestored).ToList();
        foreach (var entry in running) entry.Task.Flush();
        var offsets = new List<TopicPartitionOffset>();
        var byTask = new List<(TaskEntry Entry, TopicPartition Partition, long Offset)>();
        foreach (var entry in running)
        {
            foreach (var (tp, offset) in entry.Task.CommittableOffsets())
            {
                if (entry.Committed.TryGetValue(tp, out long last) && last >= offset) continue;
                offsets.Add(new TopicPartitionOffset(tp.Topic, tp.Partition, offset));
                byTask.Add((entry, tp, offset));
            }
        }
        if (ExactlyOnce)
        {
            if (offsets.Count > 0 || _inTransaction)
            {
                BeginTransactionIfNeeded();
                if (offsets.Count > 0)
                {
                    // KIP-447: the group generation and member id let the broker fence a member that was rebalanced out.
                    var (generation, memberId) = _consumer!.GroupIdentity;
                    await _producer!.SendOffsetsToTransactionAsync(offsets, new ConsumerGroupMetadata(_context.ApplicationId, generation, memberId), CancellationToken.None)
                        .ConfigureAwait(false);
                }
                await _producer!.CommitTransactionAsync(CancellationToken.None).ConfigureAwait(false);
                _inTransaction = false;
                await _collector.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        else
        {
            await _collector.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            if (offsets.Count > 0) await _consumer!.CommitAsync(offsets, CancellationToken.None).ConfigureAwait(false);
        }
        foreach (var (entry, tp, offset) in byTask)
        {
            entry.Committed[tp] = offset;
            if (_context.Topology.IsRepartitionTopic(tp.Topic)) _purgeable[tp] = offset;
        }
        if (!ExactlyOnce)
            foreach (var entry in running) WriteCheckpoint(entry);
        _lastCommit = _context.Time.GetTimestamp();
        if (offsets.Count > 0) Log.Committed(_logger, Name, offsets.Count, running.Count);
        await PurgeRepartitionAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes consumed repartition records (Kafka's DeleteRecords after commit), at most every
    /// <c>repartition.purge.interval.ms</c> (default 30000). Failures are only logged.
    /// </summary>
    private async Task PurgeRepartitionAsync()
    {
        if (_purgeable.Count == 0 || _stop.IsCancellationRequested) return;
        long interval = _context.Config.Extra.TryGetValue("repartition.purge.interval.ms", out var text) && long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out long ms) ? ms : 30_000;
        if (_lastPurge != 0 && _context.Time.GetElapsedTime(_lastPurge).TotalMilliseconds < interval) return;
        _lastPurge = _context.Time.GetTimestamp();
        var before = new Dictionary<TopicPartition, long>(_purgeable);
        _purgeable.Clear();
        try
        {
            var results = await _context.Admin.DeleteRecordsAsync(before, _stop.Token).ConfigureAwait(false);
            foreach (var failure in results.Failures) Log.PurgeFailed(_logger, null, Name, failure.Key.ToString(), failure.Error!.ToString());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Also a cancellation by shutdown: the commit itself succeeded and must not be treated as failed.
            Log.PurgeFailed(_logger, e, Name, "*", e.Message);
        }
    }

    /// <summary>
    /// Ends the thread. Clean: commit, close every task (checkpoints written, also under exactly-once), leave the group.
    /// After a failure: abort the transaction and close every task dirty. Abandoned (test hook): just drop everything.
    /// </summary>
    private async Task ShutdownAsync(Exception? failure)
    {
        SetState(StreamThreadState.PendingShutdown);
        if (_abandon)
        {
            // Simulated crash: no commit, no abort, no checkpoint. The consumer still leaves the group (auto-commit is
            // off, so nothing is committed) so that tests need not wait for the session timeout.
            await _gate.WaitAsync().ConfigureAwait(false);
            _tasks.Clear();
            _partitionTasks.Clear();
            _gate.Release();
            await DisposeClientsAsync(leaveGroup: true).ConfigureAwait(false);
            return;
        }
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            bool clean = failure is null;
            if (clean)
            {
                try
                {
                    await CommitAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Log.CommitFailed(_logger, e, Name);
                    clean = false;
                }
            }
            if (!clean && ExactlyOnce && _inTransaction)
            {
                try
                {
                    await _producer!.AbortTransactionAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Log.CommitFailed(_logger, e, Name);
                }
                _inTransaction = false;
            }
            foreach (var id in _tasks.Keys.ToList())
            {
                try
                {
                    CloseTask(id, clean);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Log.TaskCloseFailed(_logger, e, Name, id);
                }
            }
            _partitionTasks.Clear();
        }
        finally
        {
            _gate.Release();
        }
        await DisposeClientsAsync(leaveGroup: true).ConfigureAwait(false);
    }

    private async Task DisposeClientsAsync(bool leaveGroup)
    {
        try
        {
            if (leaveGroup) await _consumer!.CloseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.CloseFailed(_logger, e, Name);
        }
        await _consumer!.DisposeAsync().ConfigureAwait(false);
        await _restoreConsumer!.DisposeAsync().ConfigureAwait(false);
        await _producer!.DisposeAsync().ConfigureAwait(false);
    }
}
