using System.Threading.Channels;

namespace Samsa.Consumer.Internal;

/// <summary>
/// The assignment and the queue of fetched data, shared by the application side and the fetcher. Every field of every
/// <see cref="PartitionState"/> is read and written under <see cref="Gate"/>.
/// </summary>
internal sealed class ConsumerState
{
    private readonly Channel<CompletedFetch> _ready = Channel.CreateUnbounded<CompletedFetch>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false, AllowSynchronousContinuations = false });
    private long _bufferedBytes;

    public object Gate { get; } = new();

    /// <summary>Assigned partitions, in assignment order.</summary>
    public Dictionary<TopicPartition, PartitionState> Assigned { get; } = new();

    /// <summary>Wakes the fetcher when something it waits for changes (assignment, seek, resume, consumed data).</summary>
    public AsyncSignal FetcherWake { get; } = new();

    public ChannelReader<CompletedFetch> Ready => _ready.Reader;

    /// <summary>Bytes fetched and not yet consumed, across partitions.</summary>
    public long BufferedBytes => Interlocked.Read(ref _bufferedBytes);

    /// <summary>Queues fetched data; call under <see cref="Gate"/>.</summary>
    public void Enqueue(CompletedFetch fetch)
    {
        fetch.State.BufferedBytes += fetch.Size;
        Interlocked.Add(ref _bufferedBytes, fetch.Size);
        _ready.Writer.TryWrite(fetch);
    }

    /// <summary>Releases a completed fetch's buffer and accounting once the application is done with it.</summary>
    public void Finish(CompletedFetch fetch)
    {
        lock (Gate)
        {
            if (fetch.State.Generation == fetch.Generation) fetch.State.BufferedBytes -= fetch.Size;
        }
        Interlocked.Add(ref _bufferedBytes, -fetch.Size);
        fetch.Response?.Release();
        FetcherWake.Set();
    }

    /// <summary>Adds a partition (no-op when already assigned); call under <see cref="Gate"/>.</summary>
    public PartitionState Add(TopicPartition tp)
    {
        if (!Assigned.TryGetValue(tp, out var state))
        {
            state = new PartitionState(tp);
            Assigned[tp] = state;
        }
        return state;
    }

    /// <summary>Removes a partition and invalidates its buffered data; call under <see cref="Gate"/>.</summary>
    public void Remove(TopicPartition tp)
    {
        if (Assigned.Remove(tp, out var state))
        {
            state.Generation++;
            state.BufferedBytes = 0;
        }
    }

    /// <summary>Set when a partition has a <see cref="PartitionState.PendingError"/> or the group has news for the application.</summary>
    public volatile bool Attention;

    /// <summary>Wakes the application so that it looks at errors and group events.</summary>
    public void RaiseAttention()
    {
        Attention = true;
        _ready.Writer.TryWrite(CompletedFetch.Marker);
    }

    /// <summary>Stops the queue: waiting readers wake up.</summary>
    public void Complete() => _ready.Writer.TryComplete();
}
