using Samsa.Client;
using Samsa.Producer;
using Samsa.Protocol;
using Samsa.Streams.Internals;
using Samsa.Streams.Processor;

namespace Samsa.Streams.Runtime;

/// <summary>A task a thread owns, with its stores and restore progress.</summary>
internal sealed class TaskEntry(IStreamTask task, Dictionary<TopicPartition, long> checkpoint)
{
    public IStreamTask Task { get; } = task;
    public List<RegisteredStore> Stores { get; } = [];
    /// <summary>Changelog offsets read from <c>.checkpoint</c> when the task was created.</summary>
    public Dictionary<TopicPartition, long> Checkpoint { get; } = checkpoint;
    /// <summary>Per changelog partition, the offset restoration reached (the next offset to read).</summary>
    public Dictionary<TopicPartition, long> Restored { get; } = new();
    /// <summary>Input offsets committed last.</summary>
    public Dictionary<TopicPartition, long> Committed { get; } = new();
    public bool IsRestored { get; set; }
    /// <summary>Per input partition, the offset after the last record queued to the task.</summary>
    public Dictionary<TopicPartition, long> NextOffsets { get; } = new();
}

/// <summary>A store of a restored task.</summary>
internal sealed record QueryableStore(TaskId Task, State.IStateStore Store);

internal sealed partial class StreamThread
{
    private Exception? _callbackFailure;
    private bool _recoverDirty;
    private bool _revokedThisRebalance;
    private bool _awaitingFollowUp;

    private bool HasPendingRestore => _tasks.Values.Any(t => !t.IsRestored);

    private volatile IReadOnlyList<QueryableStore> _queryable = [];

    /// <summary>The stores of restored tasks (a snapshot, safe to read from any thread), for interactive queries.</summary>
    internal IReadOnlyList<QueryableStore> QueryableStores => _queryable;

    /// <summary>The ids of the tasks this thread owns now (a snapshot).</summary>
    internal IReadOnlyList<TaskId> ActiveTasks => [.. _queryableTasks];

    private volatile TaskId[] _queryableTasks = [];

    private void RefreshQueryable()
    {
        _queryable = [.. _tasks.Values.Where(t => t.IsRestored).SelectMany(t => t.Stores.Select(s => new QueryableStore(t.Task.Id, s.Store)))];
        _queryableTasks = [.. _tasks.Keys.OrderBy(t => t.Subtopology).ThenBy(t => t.Partition)];
    }

    private void OnStoreRegistered(TaskId id, RegisteredStore store)
    {
        if (_tasks.TryGetValue(id, out var entry)) entry.Stores.Add(store);
    }

    private async ValueTask OnAssignedAsync(IReadOnlyCollection<TopicPartition> partitions)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var created = new List<TaskId>();
            foreach (var tp in partitions)
            {
                if (!_context.Topology.TryGetTask(tp, out var id)) continue;
                _partitionTasks[tp] = id;
                if (!_tasks.ContainsKey(id) && !created.Contains(id)) created.Add(id);
            }
            foreach (var id in created) CreateTask(id);
            RefreshQueryable();
            var pause = partitions.Where(tp => _partitionTasks.TryGetValue(tp, out var id) && created.Contains(id)).ToList();
            if (pause.Count > 0) _consumer!.Pause(pause);
            Log.TasksAssigned(_logger, Name, string.Join(", ", created), _tasks.Count);
            // After a cooperative revocation the consumer rejoins at once: stay rebalancing until that follow-up assignment.
            // (The only assignor is "stream", which supports the cooperative protocol, so the consumer always uses it.)
            _awaitingFollowUp = _revokedThisRebalance;
            _revokedThisRebalance = false;
            SetState(HasPendingRestore || _awaitingFollowUp ? StreamThreadState.Rebalancing : StreamThreadState.Running);
        }
        catch (Exception e)
        {
            _callbackFailure ??= e;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask OnRevokedAsync(IReadOnlyCollection<TopicPartition> partitions)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var revoked = partitions.Where(_partitionTasks.ContainsKey).Select(tp => _partitionTasks[tp]).Distinct().Where(_tasks.ContainsKey).ToList();
            bool clean = true;
            if (revoked.Count > 0 && !_abandon)
            {
                try
                {
                    await CommitAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Log.CommitFailed(_logger, e, Name);
                    clean = false;
                    // The remaining tasks' uncommitted work went with the failed commit.
                    _recoverDirty = true;
                }
            }
            foreach (var id in revoked) CloseTask(id, clean);
            foreach (var tp in partitions) _partitionTasks.Remove(tp);
            _revokedThisRebalance = partitions.Count > 0;
            if (revoked.Count > 0) Log.TasksRevoked(_logger, Name, string.Join(", ", revoked));
            SetState(StreamThreadState.Rebalancing);
        }
        catch (Exception e)
        {
            _callbackFailure ??= e;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask OnLostAsync(IReadOnlyCollection<TopicPartition> partitions)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var lost = partitions.Where(_partitionTasks.ContainsKey).Select(tp => _partitionTasks[tp]).Distinct().Where(_tasks.ContainsKey).ToList();
            foreach (var id in lost) CloseTask(id, clean: false);
            foreach (var tp in partitions) _partitionTasks.Remove(tp);
            // Under exactly-once the open transaction also holds other tasks' output: abort and rewind them too.
            if (ExactlyOnce && lost.Count > 0) _recoverDirty = true;
            SetState(StreamThreadState.Rebalancing);
        }
        catch (Exception e)
        {
            _callbackFailure ??= e;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Creates and initialises a task; state without a checkpoint is wiped first, so it is restored from scratch.</summary>
    private void CreateTask(TaskId id)
    {
        var dir = _context.StateDirectory;
        if (!dir.HasCheckpoint(id)) dir.Wipe(id);
        var task = _context.Topology.Model.CreateTask(id, _environment);
        var entry = new TaskEntry(task, dir.ReadCheckpoint(id));
        _tasks[id] = entry;
        try
        {
            task.Initialize();
        }
        catch
        {
            _tasks.Remove(id);
            throw;
        }
    }

    /// <summary>Closes a task. Clean: its stores were flushed by the last commit, so a checkpoint is written. Dirty: under exactly-once its state is wiped.</summary>
    private void CloseTask(TaskId id, bool clean)
    {
        if (!_tasks.Remove(id, out var entry)) return;
        RefreshQueryable();
        try
        {
            entry.Task.Close();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (clean) throw;
            Log.TaskCloseFailed(_logger, e, Name, id);
        }
        if (clean && entry.IsRestored) WriteCheckpoint(entry);
        else if (!clean && ExactlyOnce) _context.StateDirectory.Wipe(id);
    }

    private void WriteCheckpoint(TaskEntry entry)
    {
        var offsets = new Dictionary<TopicPartition, long>();
        foreach (var store in entry.Stores)
        {
            if (store.Changelog is not { } tp || !store.Store.Persistent) continue;
            long offset = entry.Restored.GetValueOrDefault(tp);
            if (_collector.NextOffset(tp) is { } written && written > offset) offset = written;
            if (entry.Committed.TryGetValue(tp, out long consumed) && consumed > offset) offset = consumed; // source topic as changelog
            offsets[tp] = offset;
        }
        if (offsets.Count > 0) _context.StateDirectory.WriteCheckpoint(entry.Task.Id, offsets);
    }

    /// <summary>Replays the changelogs of newly assigned tasks, then lets their partitions fetch.</summary>
    private async Task RestorePendingAsync()
    {
        if (_recoverDirty) await RecoverDirtyAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _callbackFailure, null) is { } failure) throw new StreamsException($"A rebalance callback of {Name} failed.", failure);
        var pending = _tasks.Values.Where(t => !t.IsRestored).ToList();
        if (pending.Count == 0) return;
        foreach (var entry in pending)
        {
            await RestoreAsync(entry).ConfigureAwait(false);
            entry.IsRestored = true;
            // Under exactly-once a checkpoint only describes a cleanly closed task: a crash from here on must wipe the state.
            if (ExactlyOnce) _context.StateDirectory.DeleteCheckpoint(entry.Task.Id);
            var resume = _partitionTasks.Where(kv => kv.Value == entry.Task.Id).Select(kv => kv.Key).ToList();
            if (resume.Count > 0) _consumer!.Resume(resume);
        }
        RefreshQueryable();
        SetState(_awaitingFollowUp ? StreamThreadState.Rebalancing : StreamThreadState.Running);
    }

    private async Task RestoreAsync(TaskEntry entry)
    {
        var consumer = _restoreConsumer!;
        foreach (var store in entry.Stores)
        {
            if (store.Changelog is not { } tp) continue;
            var (low, high) = await consumer.QueryWatermarkOffsetsAsync(tp, _stop.Token).ConfigureAwait(false);
            long from = store.Store.Persistent && entry.Checkpoint.TryGetValue(tp, out long checkpointed) ? Math.Max(checkpointed, low) : low;
            long restored = from < high ? await ReplayAsync(tp, from, high, store.Restore).ConfigureAwait(false) : 0;
            entry.Restored[tp] = Math.Max(from, high);
            Log.StoreRestored(_logger, Name, store.Store.Name, entry.Task.Id, restored, from, high);
        }
    }

    /// <summary>Feeds <c>[from, end)</c> of a changelog partition to a restore callback; returns the record count.</summary>
    private async Task<long> ReplayAsync(TopicPartition tp, long from, long end, State.IStateRestoreCallback restore)
    {
        var consumer = _restoreConsumer!;
        consumer.Assign([new TopicPartitionOffset(tp, from)]);
        long count = 0;
        try
        {
            for (int idle = 0; ;)
            {
                IReadOnlyList<Consumer.ConsumeResult<byte[]?, byte[]?>> batch;
                using (var poll = new CancellationTokenSource(TimeSpan.FromMilliseconds(500), _context.Time))
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(poll.Token, _stop.Token))
                {
                    try
                    {
                        batch = await consumer.ConsumeBatchAsync(0, linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                    {
                        batch = [];
                    }
                }
                var records = new List<State.ChangelogRecord>(batch.Count);
                long last = -1;
                foreach (var record in batch)
                {
                    if (record.Offset >= end) continue;
                    records.Add(new(record.Key ?? [], record.Value, record.Timestamp));
                    last = record.Offset;
                }
                if (records.Count > 0)
                {
                    // Timestamped stores want the record timestamps; others take key/value pairs.
                    if (restore is State.IChangelogRestoreCallback withTimestamps) withTimestamps.RestoreRecords(records);
                    else restore.RestoreBatch([.. records.Select(r => new KeyValuePair<byte[], byte[]?>(r.Key, r.Value))]);
                }
                count += records.Count;
                if (last >= end - 1 || batch.Any(r => r.Offset >= end)) break;
                if (batch.Count == 0)
                {
                    // Under read_committed the tail may be control or aborted records that are never returned.
                    long position = await consumer.PositionAsync(tp, _stop.Token).ConfigureAwait(false);
                    if (position >= end || ++idle >= 4) break;
                }
            }
        }
        finally
        {
            consumer.Unassign();
        }
        return count;
    }

    /// <summary>
    /// After fencing, a failed commit or lost partitions: abort the transaction (exactly-once), close every task dirty
    /// and recreate the tasks of the partitions still assigned, rewound to the committed offsets.
    /// </summary>
    private async Task RecoverDirtyAsync()
    {
        _recoverDirty = false;
        if (ExactlyOnce) await ResetProducerAsync().ConfigureAwait(false);
        _collector.Reset();
        foreach (var id in _tasks.Keys.ToList()) CloseTask(id, clean: false);
        var assigned = _partitionTasks.Keys.ToList();
        if (assigned.Count == 0) return;
        foreach (var id in assigned.Select(tp => _partitionTasks[tp]).Distinct()) CreateTask(id);
        _consumer!.Pause(assigned);
        var committed = await _consumer.CommittedAsync(assigned, _stop.Token).ConfigureAwait(false);
        foreach (var c in committed)
            _consumer.Seek(c.Offset >= 0 ? c : new TopicPartitionOffset(c.Topic, c.Partition, Offsets.Beginning));
        SetState(StreamThreadState.Rebalancing);
    }

    /// <summary>Aborts the open transaction; a fenced or broken producer is replaced by a new one with the same transactional id.</summary>
    private async Task ResetProducerAsync()
    {
        try
        {
            if (_inTransaction) await _producer!.AbortTransactionAsync(_stop.Token).ConfigureAwait(false);
            _inTransaction = false;
        }
        catch (KafkaException e)
        {
            Log.ProducerReplaced(_logger, e, Name);
            await _producer!.DisposeAsync().ConfigureAwait(false);
            CreateProducer();
            await _producer!.InitTransactionsAsync(_stop.Token).ConfigureAwait(false);
        }
    }

    private static bool IsTaskMigrated(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is KafkaTransactionException { IsFatal: true } or KafkaTransactionException { RequiresAbort: true }) return true;
            if (current is KafkaException k && k.ErrorCode is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch or ErrorCode.UnknownMemberId
                    or ErrorCode.IllegalGeneration or ErrorCode.RebalanceInProgress or ErrorCode.FencedInstanceId or ErrorCode.InvalidTxnState)
                return true;
        }
        return false;
    }
}
