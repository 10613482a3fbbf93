using System.Buffers;

namespace Samsa.Client.Connections;

/// <summary>
/// A <see cref="MemoryPool{T}"/> over a connection's <see cref="FramePool"/>, for the buffers its pipe writer encodes
/// requests into. A large request (a 1 MB Produce) then reuses an array the connection keeps, whichever thread returns
/// it; from <see cref="ArrayPool{T}.Shared"/> it came back into the returning thread's own slot and the next request,
/// written on another thread, allocated a new one. Owners are reused too, so renting allocates nothing.
/// </summary>
internal sealed class FrameMemoryPool(FramePool frames) : MemoryPool<byte>
{
    private readonly FramePool _frames = frames;
    private readonly Stack<Owner> _owners = new();

    public override int MaxBufferSize => Array.MaxLength;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        var array = _frames.Rent(minBufferSize < 0 ? 4096 : minBufferSize);
        Owner? owner;
        lock (_owners) _owners.TryPop(out owner);
        owner ??= new Owner(this);
        owner.Array = array;
        return owner;
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Owner(FrameMemoryPool pool) : IMemoryOwner<byte>
    {
        public byte[]? Array;

        public Memory<byte> Memory => Array ?? throw new ObjectDisposedException(nameof(Owner));

        public void Dispose()
        {
            var array = Array;
            if (array is null) return;
            Array = null;
            pool._frames.Return(array);
            lock (pool._owners) pool._owners.Push(this);
        }
    }
}
