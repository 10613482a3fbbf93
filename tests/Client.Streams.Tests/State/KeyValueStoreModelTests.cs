using Samsa.Streams.State;
using Samsa.Streams.State.Internals;

namespace Samsa.Streams.Tests.State;

/// <summary>Random operations against each bytes store and a SortedDictionary model, compared after every step.</summary>
public sealed class KeyValueStoreModelTests
{
    private static readonly LogStructuredStoreOptions SmallCompaction = new() { CompactionMinGarbageBytes = 512, WriteBufferBytes = 256 };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void InMemory_RandomOperations_MatchModel(int seed)
    {
        var store = new InMemoryKeyValueStore("kv");
        store.Init(new StoreTestContext());
        Run(seed, 3000, () => store, reopen: null);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Persistent_RandomOperationsWithReopenAndCompaction_MatchModel(int seed)
    {
        using var dir = new TempDir();
        var store = new LogStructuredKeyValueStore("kv", SmallCompaction);
        store.Init(new StoreTestContext(dir.Path));
        int compactions = 0;
        Run(seed, 3000, () => store, reopen: () =>
        {
            compactions += store.Log.Compactions;
            store.Close();
            store = new LogStructuredKeyValueStore("kv", SmallCompaction);
            store.Init(new StoreTestContext(dir.Path));
        });
        compactions += store.Log.Compactions;
        store.Close();
        Assert.True(compactions > 0, "the run should have compacted at least once");
    }

    private static void Run(int seed, int steps, Func<IKeyValueStore<byte[], byte[]>> current, Action? reopen)
    {
        var random = new Random(seed);
        var model = new SortedDictionary<byte[], byte[]>(BytesComparer.Instance);
        for (int step = 0; step < steps; step++)
        {
            var store = current();
            int op = random.Next(100);
            if (op < 45)
            {
                var key = RandomKey(random);
                var value = RandomValue(random);
                store.Put(key, value);
                model[key] = value;
            }
            else if (op < 60)
            {
                var key = RandomKey(random);
                var previous = store.Delete(key);
                Assert.Equal(model.GetValueOrDefault(key), previous);
                model.Remove(key);
            }
            else if (op < 65)
            {
                var key = RandomKey(random);
                var value = RandomValue(random);
                var existing = store.PutIfAbsent(key, value);
                Assert.Equal(model.GetValueOrDefault(key), existing);
                model.TryAdd(key, value);
            }
            else if (op < 80)
            {
                var key = RandomKey(random);
                Assert.Equal(model.GetValueOrDefault(key), store.Get(key));
            }
            else if (op < 95)
            {
                var from = random.Next(4) == 0 ? null : RandomKey(random);
                var to = random.Next(4) == 0 ? null : RandomKey(random);
                bool reverse = random.Next(2) == 0;
                var expected = model.Where(e => (from is null || BytesComparer.Instance.Compare(e.Key, from) >= 0) && (to is null || BytesComparer.Instance.Compare(e.Key, to) <= 0)).ToList();
                if (reverse) expected.Reverse();
                using var iterator = reverse ? store.ReverseRange(from, to) : store.Range(from, to);
                var actual = Drain(iterator);
                Assert.Equal(expected.Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)), actual.Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)));
            }
            else if (op < 99 || reopen is null)
            {
                Assert.Equal(model.Count, store.ApproximateNumEntries);
            }
            else
            {
                reopen();
            }
        }
        using var all = current().All();
        Assert.Equal(model.Keys.Select(Convert.ToHexString), Drain(all).Select(e => Convert.ToHexString(e.Key)));
    }

    internal static List<KeyValue<byte[], byte[]>> Drain(IKeyValueIterator<byte[], byte[]> iterator)
    {
        var list = new List<KeyValue<byte[], byte[]>>();
        while (iterator.MoveNext()) list.Add(iterator.Current);
        return list;
    }

    private static byte[] RandomKey(Random random)
    {
        // Short keys over a small alphabet that includes bytes above 0x7F, so unsigned order and prefixes matter.
        var key = new byte[random.Next(0, 4)];
        for (int i = 0; i < key.Length; i++) key[i] = (byte)(random.Next(4) switch { 0 => 0x00, 1 => 0x7F, 2 => 0x80, _ => 0xFF });
        return key;
    }

    private static byte[] RandomValue(Random random)
    {
        var value = new byte[random.Next(0, 40)];
        random.NextBytes(value);
        return value;
    }
}
