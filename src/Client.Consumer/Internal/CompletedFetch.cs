using System.Buffers.Binary;
using Samsa.Client.Connections;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;

namespace Samsa.Consumer.Internal;

/// <summary>
/// A fetch response shared by the partitions it carries: the pooled frame goes back to the pool when the last
/// partition's data has been consumed or dropped.
/// </summary>
internal sealed class SharedFetchResponse
{
    private readonly ResponseLease<FetchResponse> _lease;
    private int _references = 1;

    public SharedFetchResponse(ResponseLease<FetchResponse> lease) => _lease = lease;

    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0) _lease.Dispose();
    }
}

/// <summary>One partition's records from one fetch response, queued for the application.</summary>
internal sealed class CompletedFetch
{
    /// <summary>A marker that only wakes the application so that it looks at pending errors and group events.</summary>
    public static readonly CompletedFetch Marker = new(new PartitionState(default), -1, -1, default, null, null);

    public CompletedFetch(PartitionState state, int generation, long fetchOffset, ReadOnlyMemory<byte> records,
        List<FetchResponse.AbortedTransaction>? aborted, SharedFetchResponse? response)
    {
        State = state;
        Generation = generation;
        FetchOffset = fetchOffset;
        Records = records;
        Aborted = aborted;
        Response = response;
    }

    public PartitionState State { get; }

    public int Generation { get; }

    public long FetchOffset { get; }

    public ReadOnlyMemory<byte> Records { get; }

    /// <summary>Aborted transactions in this data (read_committed only), or null.</summary>
    public List<FetchResponse.AbortedTransaction>? Aborted { get; }

    public SharedFetchResponse? Response { get; }

    public bool IsMarker => Response is null;

    public int Size => Records.Length;
}

/// <summary>Reads batch boundaries without decoding batches, so the fetcher knows where the next fetch starts.</summary>
internal static class RecordSetScanner
{
    private const int BatchLengthOffset = 8;
    private const int MagicOffset = 16;
    private const int LastOffsetDeltaOffset = 23;
    private const int MinimumHeader = MagicOffset + 1;

    /// <summary>The offset after the last complete batch in <paramref name="records"/>, or -1 when there is none.</summary>
    public static long NextOffset(ReadOnlySpan<byte> records)
    {
        long next = -1;
        int at = 0;
        while (records.Length - at >= MinimumHeader)
        {
            var span = records[at..];
            int length = BinaryPrimitives.ReadInt32BigEndian(span[BatchLengthOffset..]);
            if (length < 0 || length > span.Length - RecordBatchHeader.LogOverhead) break;
            long baseOffset = BinaryPrimitives.ReadInt64BigEndian(span);
            if (span[MagicOffset] == RecordBatchHeader.CurrentMagic)
            {
                if (span.Length < LastOffsetDeltaOffset + 4) break;
                next = baseOffset + BinaryPrimitives.ReadInt32BigEndian(span[LastOffsetDeltaOffset..]) + 1;
            }
            else
            {
                // Legacy (magic 0/1): a compressed wrapper carries the offset of its last inner message.
                next = baseOffset + 1;
            }
            at += length + RecordBatchHeader.LogOverhead;
        }
        return next;
    }
}
