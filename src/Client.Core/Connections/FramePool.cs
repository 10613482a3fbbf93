using System.Buffers;

namespace Samsa.Client.Connections;

/// <summary>
/// Buffers for leased response frames (Fetch). Frames up to <see cref="SharedPoolMax"/> bytes come from
/// <see cref="ArrayPool{T}.Shared"/>; larger ones (a fetch response is up to <c>fetch.max.bytes</c>, 50 MiB by default)
/// are kept here, because the shared pool does not hold on to arrays that large, so every fetch would allocate a
/// fresh large-object-heap array and fault its pages in. One pool per connection; it keeps at most
/// <see cref="MaxRetained"/> arrays, preferring the largest, and lets the rest go to the garbage collector. It only ever
/// keeps arrays that were in use at the same time (the response being read plus those queued for the application, which
/// <c>fetch.buffer.max.bytes</c> bounds), so it holds no more than the consumer's peak.
/// Thread-safe: frames are rented by the read loop and returned by whoever disposes the lease.
/// </summary>
internal sealed class FramePool
{
    /// <summary>
    /// Largest frame served by the shared pool (a power of two, so the shared pool's arrays never exceed it, while this
    /// pool's are at least <see cref="Granularity"/>: <see cref="Return"/> tells them apart by length).
    /// </summary>
    public const int SharedPoolMax = 512 * 1024;

    /// <summary>Large arrays are allocated in multiples of this, so that similar frames reuse one array.</summary>
    public const int Granularity = 1024 * 1024;

    /// <summary>Most large arrays kept for reuse.</summary>
    public const int MaxRetained = 8;

    /// <summary>
    /// A new large array has this fraction (1/n) of headroom above the frame it is allocated for: fetch responses vary in
    /// size by a few percent, and without headroom a frame slightly larger than every retained array allocates again.
    /// </summary>
    public const int HeadroomDivisor = 8;

    private readonly byte[]?[] _retained = new byte[MaxRetained][];
    private int _largest; // the largest array allocated so far: new ones are at least this large, so that they converge

    /// <summary>Number of large arrays allocated so far (for tests and diagnostics).</summary>
    public int Allocations { get; private set; }

    /// <summary>Number of large arrays currently held for reuse.</summary>
    public int RetainedCount
    {
        get
        {
            lock (_retained) return _retained.Count(a => a is not null);
        }
    }

    /// <summary>
    /// An array of at least <paramref name="length"/> bytes; its contents are undefined. A new large array is the frame
    /// plus <see cref="HeadroomDivisor"/> headroom, rounded up to <see cref="Granularity"/>, and never smaller than the
    /// largest allocated before: every array then fits the frames seen so far, instead of each frame slightly larger
    /// than the last allocating again (which made a long consume run allocate ~10 B/record).
    /// </summary>
    public byte[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= SharedPoolMax) return ArrayPool<byte>.Shared.Rent(length);
        lock (_retained)
        {
            int best = -1;
            for (int i = 0; i < _retained.Length; i++)
            {
                if (_retained[i] is { } candidate && candidate.Length >= length && (best < 0 || candidate.Length < _retained[best]!.Length)) best = i;
            }
            if (best >= 0)
            {
                var array = _retained[best]!;
                _retained[best] = null;
                return array;
            }
            Allocations++;
            long wanted = (long)length + length / HeadroomDivisor;
            long rounded = (wanted + Granularity - 1) / Granularity * Granularity;
            int size = (int)Math.Min(Math.Max(rounded, _largest), Array.MaxLength);
            _largest = size;
            return GC.AllocateUninitializedArray<byte>(size);
        }
    }

    /// <summary>Takes back an array from <see cref="Rent"/>.</summary>
    public void Return(byte[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length <= SharedPoolMax)
        {
            ArrayPool<byte>.Shared.Return(array);
            return;
        }
        lock (_retained)
        {
            int smallest = -1;
            for (int i = 0; i < _retained.Length; i++)
            {
                if (_retained[i] is null)
                {
                    _retained[i] = array;
                    return;
                }
                if (smallest < 0 || _retained[i]!.Length < _retained[smallest]!.Length) smallest = i;
            }
            // Full: keep the larger of the two, so that the pool converges on arrays that fit every frame.
            if (_retained[smallest]!.Length < array.Length) _retained[smallest] = array;
        }
    }
}
