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
    [InlineData(11)]
    [InlineData(12)]
    public void InMemory_ManyKeys_MatchModel(int seed)
    {
        // Thousands of keys: exercises chunk splits and removals inside the sorted map.
        var store = new InMemoryKeyValueStore("kv");
        store.Init(new StoreTestContext());
        Run(seed, 6_000, () => store, reopen: null, wide: true);
    }

    [Fact]
    public void InMemory_DrainWhileMutating_VisitsEachSurvivingKeyOnce()
    {
        var store = new InMemoryKeyValueStore("kv");
        store.Init(new StoreTestContext());
        for (int i = 0; i < 5000; i++) store.Put(BitConverter.GetBytes(i * 2).Reverse().ToArray(), [1]);
        var seen = new List<int>();
        using (var iterator = store.ReverseRange(null, null))
        {
            while (iterator.MoveNext())
            {
                int k = BitConverter.ToInt32(iterator.Current.Key.Reverse().ToArray());
                seen.Add(k);
                store.Delete(iterator.Current.Key);
                store.Put(BitConverter.GetBytes(k + 1).Reverse().ToArray(), [2]); // lands just behind the cursor: not visited
                if (k % 3 == 0) store.Delete(BitConverter.GetBytes(k - 2).Reverse().ToArray()); // ahead: skipped
            }
        }
        var skipped = new HashSet<int>();
        var visited = new List<int>();
        for (int k = 9998; k >= 0; k -= 2)
        {
            if (skipped.Contains(k)) continue;
            visited.Add(k);
            if (k % 3 == 0 && k >= 2) skipped.Add(k - 2);
        }
        Assert.Equal(visited, seen);
        Assert.Equal(5000 - skipped.Count, store.ApproximateNumEntries);
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

    private static void Run(int seed, int steps, Func<IKeyValueStore<byte[], byte[]>> current, Action? reopen, bool wide = false)
    {
        var random = new Random(seed);
        var model = new SortedDictionary<byte[], byte[]>(BytesComparer.Instance);
        for (int step = 0; step < steps; step++)
        {
            var store = current();
            int op = random.Next(100);
            if (op < 45)
            {
                var key = RandomKey(random, wide);
                var value = RandomValue(random);
                store.Put(key, value);
                model[key] = value;
            }
            else if (op < 60)
            {
                var key = RandomKey(random, wide);
                var previous = store.Delete(key);
                Assert.Equal(model.GetValueOrDefault(key), previous);
                model.Remove(key);
            }
            else if (op < 65)
            {
                var key = RandomKey(random, wide);
                var value = RandomValue(random);
                var existing = store.PutIfAbsent(key, value);
                Assert.Equal(model.GetValueOrDefault(key), existing);
                model.TryAdd(key, value);
            }
            else if (op < 80)
            {
                var key = RandomKey(random, wide);
                Assert.Equal(model.GetValueOrDefault(key), store.Get(key));
            }
            else if (op < 95)
            {
                var from = random.Next(4) == 0 ? null : RandomKey(random, wide);
                var to = random.Next(4) == 0 ? null : RandomKey(random, wide);
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

    private static byte[] RandomKey(Random random, bool wide)
    {
        if (wide)
        {
            var wideKey = new byte[random.Next(1, 3)];
            random.NextBytes(wideKey);
            return wideKey;
        }
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
