using Samsa.Streams.State;
using Samsa.Streams.State.Internals;

namespace Samsa.Streams.Tests.State;

/// <summary>Interactive queries read from other threads while the task thread writes.</summary>
public sealed class ConcurrentReadTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReadsDuringWrites_SeeOnlyWrittenValues(bool persistent)
    {
        using var dir = new TempDir();
        IKeyValueStore<byte[], byte[]> store = persistent
            ? new LogStructuredKeyValueStore("kv", new LogStructuredStoreOptions { CompactionMinGarbageBytes = 2048, WriteBufferBytes = 512 })
            : new InMemoryKeyValueStore("kv");
        store.Init(new StoreTestContext(dir.Path));
        using var done = new CancellationTokenSource();

        var writer = Task.Run(() =>
        {
            var random = new Random(1);
            for (int i = 0; i < 5_000; i++)
            {
                byte k = (byte)random.Next(64);
                // Values are the key byte repeated: a reader can check any value it sees.
                if (random.Next(5) == 0) store.Delete([k]);
                else store.Put([k], Enumerable.Repeat(k, 1 + random.Next(20)).ToArray());
            }
            done.Cancel();
        });
        var reader = Task.Run(() =>
        {
            var random = new Random(2);
            long reads = 0;
            while (!done.IsCancellationRequested || reads == 0)
            {
                byte k = (byte)random.Next(64);
                if (store.Get([k]) is { } value) Assert.All(value, b => Assert.Equal(k, b));
                using var range = store.Range([k], null);
                byte previous = 0;
                for (int n = 0; n < 10 && range.MoveNext(); n++)
                {
                    var entry = range.Current;
                    Assert.True(entry.Key[0] >= previous);
                    previous = entry.Key[0];
                    Assert.All(entry.Value, b => Assert.Equal(entry.Key[0], b));
                }
                reads++;
            }
            return reads;
        });
        await writer.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(await reader.WaitAsync(TimeSpan.FromMinutes(2)) > 0);
        store.Close();
    }
}
