using Samsa.Client.Connections;

namespace Samsa.Client.Tests;

public class FramePoolTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public void Rent_LargeFrameAfterReturn_ReusesTheSameArray()
    {
        var pool = new FramePool();
        var first = pool.Rent(12 * MiB + 5);
        pool.Return(first);
        var second = pool.Rent(12 * MiB);
        Assert.Same(first, second);
        Assert.Equal(1, pool.Allocations);
    }

    [Fact]
    public void Rent_LargeFrame_AddsHeadroomAndRoundsUpToTheGranularity()
    {
        Assert.Equal(3 * MiB, new FramePool().Rent(2 * MiB + 1).Length);
        Assert.Equal(FramePool.Granularity, new FramePool().Rent(FramePool.SharedPoolMax + 1).Length);
        // 8 MiB + 1/8 headroom = 9 MiB exactly; one more byte needs the next MiB.
        Assert.Equal(9 * MiB, new FramePool().Rent(8 * MiB).Length);
        Assert.Equal(10 * MiB, new FramePool().Rent(8 * MiB + 8).Length);
    }

    [Fact]
    public void Rent_SlightlyLargerFrameAfterReturn_FitsTheHeadroom()
    {
        var pool = new FramePool();
        var first = pool.Rent(9 * MiB + 123);
        pool.Return(first);
        Assert.Same(first, pool.Rent(10 * MiB + 456));
        Assert.Equal(1, pool.Allocations);
    }

    [Fact]
    public void Rent_NewArray_IsNeverSmallerThanTheLargestAllocated()
    {
        var pool = new FramePool();
        var large = pool.Rent(10 * MiB);
        var small = pool.Rent(2 * MiB);
        Assert.Equal(large.Length, small.Length);
    }

    [Fact]
    public void Rent_SmallFrame_ComesFromTheSharedPoolAndIsNotRetained()
    {
        var pool = new FramePool();
        var array = pool.Rent(1000);
        Assert.True(array.Length is >= 1000 and <= FramePool.SharedPoolMax);
        pool.Return(array);
        Assert.Equal(0, pool.Allocations);
        Assert.Equal(0, pool.RetainedCount);
    }

    [Fact]
    public void Rent_SeveralRetained_PicksTheSmallestThatFits()
    {
        var pool = new FramePool();
        var small = pool.Rent(2 * MiB);
        var large = pool.Rent(8 * MiB);
        pool.Return(large);
        pool.Return(small);
        Assert.Same(small, pool.Rent(MiB + 1));
        Assert.Same(large, pool.Rent(3 * MiB));
    }

    [Fact]
    public void Rent_NothingRetainedFits_AllocatesALargerArray()
    {
        var pool = new FramePool();
        var small = pool.Rent(2 * MiB);
        pool.Return(small);
        var bigger = pool.Rent(5 * MiB);
        Assert.NotSame(small, bigger);
        Assert.Equal(2, pool.Allocations);
        Assert.Equal(1, pool.RetainedCount);
    }

    [Fact]
    public void Return_MoreThanMaxRetained_KeepsTheLargest()
    {
        var pool = new FramePool();
        var arrays = Enumerable.Range(1, FramePool.MaxRetained + 2).Select(i => pool.Rent(i * MiB)).ToList();
        foreach (var a in arrays) pool.Return(a);
        Assert.Equal(FramePool.MaxRetained, pool.RetainedCount);
        // The two smallest were dropped: a 1 MiB request now gets the smallest kept array, the 3 MiB one.
        Assert.Same(arrays[2], pool.Rent(MiB));
    }
}
