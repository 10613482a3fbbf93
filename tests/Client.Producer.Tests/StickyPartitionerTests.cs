using Samsa.Producer.Internal;

namespace Samsa.Producer.Tests;

public class StickyPartitionerTests
{
    [Fact]
    public void Current_SameTopic_SticksUntilBatchSizeAtBoundary()
    {
        var sticky = new StickyPartitioner(batchSize: 1000, new Random(1));
        int first = sticky.Current("t", 12, []);
        for (int i = 0; i < 9; i++)
        {
            sticky.OnAppended("t", first, 100, batchBoundary: true, 12, []);
            Assert.Equal(first, sticky.Current("t", 12, []));
        }
        sticky.OnAppended("t", first, 100, batchBoundary: false, 12, []);
        Assert.Equal(first, sticky.Current("t", 12, [])); // 1000 bytes, but not at a batch boundary
        int switches = 0;
        for (int round = 0; round < 50; round++)
        {
            int current = sticky.Current("t", 12, []);
            sticky.OnAppended("t", current, 2000, batchBoundary: false, 12, []); // past 2x batch.size: switch regardless
            if (sticky.Current("t", 12, []) != current) switches++;
        }
        Assert.True(switches > 30, $"{switches} switches"); // 1 in 12 draws may pick the same partition again
    }

    [Fact]
    public void Current_OnlyAvailablePartitionsDrawn()
    {
        var sticky = new StickyPartitioner(batchSize: 10, new Random(2));
        var seen = new HashSet<int>();
        for (int i = 0; i < 200; i++)
        {
            int p = sticky.Current("t", 6, [1, 4]);
            seen.Add(p);
            sticky.OnAppended("t", p, 100, true, 6, [1, 4]);
        }
        Assert.Equal([1, 4], seen.Order());
    }

    [Fact]
    public void UpdateLoad_ShorterQueuesDrawnMoreOften()
    {
        var sticky = new StickyPartitioner(batchSize: 10, new Random(3));
        sticky.UpdateLoad("t", [0, 1, 2], [0, 9, 9]); // weights 10, 1, 1
        var counts = new int[3];
        for (int i = 0; i < 1200; i++)
        {
            int p = sticky.Current("t", 3, []);
            counts[p]++;
            sticky.OnAppended("t", p, 100, true, 3, []);
        }
        Assert.True(counts[0] > 3 * counts[1] && counts[0] > 3 * counts[2], string.Join(",", counts));
    }

    [Fact]
    public void CachedState_SharedWithNameLookup_AndSwitchesUnderConcurrentAppends()
    {
        var sticky = new StickyPartitioner(batchSize: 1000, new Random(4));
        var state = sticky.For("t");
        Assert.Same(state, sticky.For("t"));
        int first = sticky.Current(state, 12, []);
        Assert.Equal(first, sticky.Current("t", 12, []));
        // Two threads append 100-byte records to whatever is current; every 1000 bytes at a boundary must draw anew.
        var switches = new int[2];
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, worker =>
        {
            for (int i = 0; i < 5000; i++)
            {
                int p = sticky.Current(state, 12, []);
                Assert.InRange(p, 0, 11);
                sticky.OnAppended(state, p, 100, batchBoundary: true, 12, []);
                if (sticky.Current(state, 12, []) != p) switches[worker]++;
            }
        });
        // 10,000 records of 100 bytes are ~1,000 batch.size boundaries (1 in 12 draws repeats the same partition).
        Assert.InRange(switches[0] + switches[1], 500, 2200); // a switch may be seen by both threads
        Assert.InRange(Volatile.Read(ref state.ProducedBytes), 0, 2000);
    }
}
