using Samsa.Client.Connections;

namespace Samsa.Client.Tests;

public class FrameMemoryPoolTests
{
    [Fact]
    public async Task Rent_LargeBufferReturnedOnAnotherThread_IsReusedWithoutAllocating()
    {
        var frames = new FramePool();
        var pool = new FrameMemoryPool(frames);
        var first = pool.Rent(1_000_100);
        var array = first.Memory;
        await Task.Run(first.Dispose); // a pipe writer's buffer is often returned by the thread that finished its flush
        var second = pool.Rent(1_000_100);
        Assert.True(second.Memory.Span.Overlaps(array.Span));
        Assert.Equal(1, frames.Allocations);
        second.Dispose();
        second.Dispose(); // disposing twice returns the array once
        Assert.Equal(1, frames.RetainedCount);
    }

    [Fact]
    public void Rent_SmallBuffer_ComesFromTheSharedPoolAndIsAtLeastTheHint()
    {
        var frames = new FramePool();
        using var owner = new FrameMemoryPool(frames).Rent(5000);
        Assert.True(owner.Memory.Length >= 5000);
        Assert.Equal(0, frames.Allocations);
    }
}
