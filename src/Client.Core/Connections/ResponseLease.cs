using System.Buffers;

namespace Samsa.Client.Connections;

/// <summary>
/// A response whose byte fields (record sets) point into a pooled buffer. Use <see cref="Response"/> only until
/// <see cref="Dispose"/>, which returns the buffer to the pool.
/// </summary>
/// <typeparam name="TResponse">The response type.</typeparam>
public sealed class ResponseLease<TResponse> : IDisposable
{
    private readonly FramePool? _pool;
    private byte[]? _buffer;

    internal ResponseLease(TResponse response, byte[] buffer, FramePool? pool = null)
    {
        Response = response;
        _buffer = buffer;
        _pool = pool;
    }

    /// <summary>The parsed response; invalid after <see cref="Dispose"/>.</summary>
    public TResponse Response { get; }

    /// <summary>Returns the frame buffer to the pool. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is not { } buffer) return;
        if (_pool is not null) _pool.Return(buffer);
        else ArrayPool<byte>.Shared.Return(buffer);
    }
}
