using System.Runtime.CompilerServices;
using Samsa.Protocol.Records;

namespace Samsa.Consumer.Internal;

/// <summary>
/// Walks the records of one <see cref="CompletedFetch"/> for the application: skips records before the position,
/// control batches, and (read_committed) batches of aborted transactions, keeping its own position so that the
/// shared state is touched only when the application is done. One per consumer; not thread-safe.
/// </summary>
internal sealed class RecordCursor : IDisposable
{
    private readonly RecordBatchReader _reader;
    private readonly PriorityQueue<long, long> _aborted = new();
    private readonly HashSet<long> _abortedProducers = new();
    private RecordEnumerator _records;
    private RecordBatchHeader _header;
    private bool _inBatch;

    public RecordCursor(bool checkCrcs) => _reader = new RecordBatchReader(ReadOnlyMemory<byte>.Empty, checkCrcs);

    public CompletedFetch? Current { get; private set; }

    /// <summary>The offset of the next record to return.</summary>
    public long Position { get; private set; }

    /// <summary>The leader epoch of the batch of the last record returned, or -1.</summary>
    public int PositionEpoch { get; private set; } = -1;

    public int BatchLeaderEpoch => _header.PartitionLeaderEpoch;

    public TimestampType BatchTimestampType => _header.TimestampType;

    public void Start(CompletedFetch fetch)
    {
        Current = fetch;
        Position = fetch.FetchOffset;
        PositionEpoch = -1;
        _reader.Reset(fetch.Records);
        _inBatch = false;
        _aborted.Clear();
        _abortedProducers.Clear();
        if (fetch.Aborted is { } aborted)
        {
            foreach (var a in aborted) _aborted.Enqueue(a.ProducerId, a.FirstOffset);
        }
    }

    public void Stop()
    {
        Current = null;
        _inBatch = false;
        _reader.Reset(ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>The next record at or after the position, or false at the end of the fetched data.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryNext(out RecordView record)
    {
        while (true)
        {
            if (_inBatch)
            {
                while (_records.MoveNext())
                {
                    var r = _records.Current;
                    if (r.Offset < Position) continue;
                    Position = r.Offset + 1;
                    PositionEpoch = _header.PartitionLeaderEpoch;
                    record = r;
                    return true;
                }
                _inBatch = false;
                // Compaction may leave the batch's last offsets empty: continue after the batch.
                if (_header.NextOffset > Position) Position = _header.NextOffset;
            }
            if (!_reader.MoveNextBatch())
            {
                record = default;
                return false;
            }
            _header = _reader.Header;
            if (_header.NextOffset <= Position) continue;
            if (Current!.Aborted is not null && _header.Magic >= 2)
            {
                while (_aborted.TryPeek(out long producerId, out long firstOffset) && firstOffset <= _header.LastOffset)
                {
                    _aborted.Dequeue();
                    _abortedProducers.Add(producerId);
                }
                if (_header.IsControl)
                {
                    if (IsAbortMarker()) _abortedProducers.Remove(_header.ProducerId);
                    Position = _header.NextOffset;
                    continue;
                }
                if (_header.IsTransactional && _abortedProducers.Contains(_header.ProducerId))
                {
                    Position = _header.NextOffset;
                    continue;
                }
            }
            else if (_header.IsControl)
            {
                Position = _header.NextOffset;
                continue;
            }
            _records = _reader.GetRecords();
            _inBatch = true;
        }
    }

    public void Dispose() => _reader.Dispose();

    private bool IsAbortMarker()
    {
        var records = _reader.GetRecords();
        return records.MoveNext() && !records.Current.IsKeyNull && ControlRecord.ReadType(records.Current.Key.Span) == ControlRecordType.Abort;
    }
}
