using System.Buffers.Binary;
using System.Text;
using Samsa.Streams.State;
using Samsa.Streams.State.Internals;

namespace Samsa.Streams.Tests.State;

public sealed class WindowStoreTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static TheoryData<bool> Kinds => new() { false, true };

    private static IWindowBytesStoreSupplier Supplier(bool persistent, TimeSpan retention, TimeSpan size, bool duplicates = false) => persistent
        ? Stores.PersistentWindowStore("w", retention, size, duplicates)
        : Stores.InMemoryWindowStore("w", retention, size, duplicates);

    [Fact]
    public void Suppliers_UseKafkaSegmentInterval_AndValidateArguments()
    {
        Assert.Equal(300_000, Stores.PersistentWindowStore("w", TimeSpan.FromMinutes(10), Minute, false).SegmentIntervalMs);
        Assert.Equal(60_000, Stores.InMemoryWindowStore("w", Minute, Minute, false).SegmentIntervalMs);
        Assert.Equal(60_000, Stores.PersistentSessionStore("s", TimeSpan.FromSeconds(10)).SegmentIntervalMs);
        Assert.Throws<ArgumentException>(() => Stores.PersistentWindowStore("w", TimeSpan.FromSeconds(-1), TimeSpan.Zero, false));
        Assert.Throws<ArgumentException>(() => Stores.InMemoryWindowStore("w", Minute, TimeSpan.FromSeconds(-1), false));
        Assert.Throws<ArgumentException>(() => Stores.InMemoryWindowStore("w", Minute, TimeSpan.FromMinutes(2), false));
        Assert.Throws<ArgumentException>(() => Stores.InMemorySessionStore("s", TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Builders_DefaultToWindowedChangelogConfig()
    {
        var builder = Stores.WindowStoreBuilder(Stores.InMemoryWindowStore("w", TimeSpan.FromHours(1), Minute, false), Serdes.String, Serdes.Int64);
        Assert.Equal("compact,delete", builder.LogConfig["cleanup.policy"]);
        Assert.Equal((3_600_000L + 86_400_000L).ToString(), builder.LogConfig["retention.ms"]);
        var session = Stores.SessionStoreBuilder(Stores.InMemorySessionStore("s", TimeSpan.FromHours(2)), Serdes.String, Serdes.Int64);
        Assert.Equal("compact,delete", session.LogConfig["cleanup.policy"]);
        Assert.Equal((7_200_000L + 86_400_000L).ToString(), session.LogConfig["retention.ms"]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void PutFetch_ByKeyAndTime_ExcludesPrefixKeys(bool persistent)
    {
        using var dir = new TempDir();
        var store = Stores.WindowStoreBuilder(Supplier(persistent, TimeSpan.FromHours(1), Minute), Serdes.String, Serdes.String).Build();
        store.Init(new StoreTestContext(dir.Path));
        store.Put("a", "a0", 0);
        store.Put("a", "a1", 60_000);
        store.Put("ab", "ab1", 60_000);
        store.Put("a", "a2", 120_000);
        store.Put("b", "b2", 120_000);

        Assert.Equal("a1", store.Fetch("a", 60_000));
        Assert.Null(store.Fetch("a", 30_000));
        using (var range = store.Fetch("a", 30_000, 120_000)) Assert.Equal(["60000=a1", "120000=a2"], Drain(range, kv => $"{kv.Key}={kv.Value}"));
        using (var all = store.FetchAll(60_000, 120_000))
            // One segment (30 min): key-byte order, then window start, as Kafka's segmented stores return them.
            Assert.Equal(["a@60000-120000=a1", "a@120000-180000=a2", "ab@60000-120000=ab1", "b@120000-180000=b2"], Drain(all, Windowed));
        store.Put("a", null, 60_000);
        Assert.Null(store.Fetch("a", 60_000));
        store.Close();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Retention_DropsExpiredSegmentsAndWrites(bool persistent)
    {
        using var dir = new TempDir();
        var store = new SegmentedWindowStore("w", retentionMs: 120_000, windowSizeMs: 10_000, retainDuplicates: false, segmentIntervalMs: 60_000, persistent, LogStructuredStoreOptions.Default);
        store.Init(new StoreTestContext(dir.Path));
        store.Put(Utf8("k"), Utf8("0"), 0);
        store.Put(Utf8("k"), Utf8("1"), 60_000);
        store.Put(Utf8("k"), Utf8("2"), 120_000);
        Assert.Equal(3, store.Segments.Count);
        Assert.Equal("1", Encoding.UTF8.GetString(store.Fetch(Utf8("k"), 60_000)!));
        Assert.Null(store.Fetch(Utf8("k"), 0)); // stream time 120000: the oldest live start is 1, segment 0 is kept
        store.Put(Utf8("k"), Utf8("3"), 180_000); // min live 60001: segment 0 dropped
        Assert.Equal([1L, 2L, 3L], store.Segments.Ids);
        Assert.Null(store.Fetch(Utf8("k"), 0));
        Assert.Null(store.Fetch(Utf8("k"), 60_000)); // in a live segment, but older than retention
        store.Put(Utf8("k"), Utf8("late"), 30_000); // expired write: dropped
        using (var range = store.Fetch(Utf8("k"), 0, long.MaxValue))
            Assert.Equal([120_000L, 180_000L], Drain(range, kv => kv.Key));
        if (persistent)
            Assert.Equal(["w.120000", "w.180000", "w.60000"], Directory.GetDirectories(Path.Combine(dir.Path, "w")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        store.Close();
    }

    [Fact]
    public void MinLive_IsStreamTimeMinusRetentionPlusOne()
    {
        var store = new SegmentedWindowStore("w", 100, 10, false, 60_000, persistent: false, LogStructuredStoreOptions.Default);
        store.Init(new StoreTestContext());
        store.Put(Utf8("k"), Utf8("x"), 0);
        store.Put(Utf8("k"), Utf8("y"), 99);
        Assert.NotNull(store.Fetch(Utf8("k"), 0));
        store.Put(Utf8("k"), Utf8("z"), 100);
        Assert.Null(store.Fetch(Utf8("k"), 0));
        Assert.NotNull(store.Fetch(Utf8("k"), 99));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RetainDuplicates_KeepsEveryValue_AndIgnoresNulls(bool persistent)
    {
        using var dir = new TempDir();
        var store = Stores.WindowStoreBuilder(Supplier(persistent, TimeSpan.FromHours(1), Minute, duplicates: true), Serdes.String, Serdes.String).Build();
        var context = new StoreTestContext(dir.Path);
        store.Init(context);
        store.Put("k", "x", 1000);
        store.Put("k", "y", 1000);
        store.Put("k", null, 1000);
        store.Put("k", "z", 2000);
        using (var range = store.Fetch("k", 0, 5000)) Assert.Equal(["1000=x", "1000=y", "2000=z"], Drain(range, kv => $"{kv.Key}={kv.Value}"));
        Assert.Equal("x", store.Fetch("k", 1000));
        Assert.Equal([1, 2, 3], context.Changes.Select(c => BinaryPrimitives.ReadInt32BigEndian(c.Key.AsSpan(c.Key.Length - 4))));
        store.Close();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ChangeLog_UsesBinaryWindowKeys_AndRestoreRebuildsStore(bool persistent)
    {
        using var dir = new TempDir();
        using var dir2 = new TempDir();
        var source = Stores.WindowStoreBuilder(Supplier(persistent, TimeSpan.FromHours(1), Minute), Serdes.String, Serdes.String).Build();
        var context = new StoreTestContext(dir.Path) { RecordTimestamp = 77 };
        source.Init(context);
        source.Put("a", "1", 0);
        source.Put("b", "2", 60_000);
        source.Put("a", "3", 60_000);
        source.Put("b", null, 60_000);

        var first = context.Changes[0];
        Assert.Equal([.. Utf8("a"), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], first.Key);
        Assert.Equal(77, first.Timestamp);
        Assert.Null(context.Changes[3].Value);

        var restored = Stores.WindowStoreBuilder(Supplier(persistent, TimeSpan.FromHours(1), Minute), Serdes.String, Serdes.String).Build();
        var second = new StoreTestContext(dir2.Path);
        restored.Init(second);
        Assert.Same(restored, second.Registered[0].Store);
        second.Restore(context.Changes, batchSize: 2);
        Assert.Empty(second.Changes);
        using var all = restored.All();
        Assert.Equal(["a@0-60000=1", "a@60000-120000=3"], Drain(all, Windowed));
        source.Close();
        restored.Close();
    }

    [Fact]
    public void Persistent_Reopen_KeepsWindowsAndStreamTime()
    {
        using var dir = new TempDir();
        var supplier = Stores.PersistentWindowStore("w", TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(10), false);
        var store = Stores.WindowStoreBuilder(supplier, Serdes.String, Serdes.String).Build();
        store.Init(new StoreTestContext(dir.Path));
        store.Put("k", "old", 0);
        store.Put("k", "new", 100_000);
        store.Flush();
        store.Close();

        store = Stores.WindowStoreBuilder(supplier, Serdes.String, Serdes.String).Build();
        store.Init(new StoreTestContext(dir.Path));
        Assert.Equal("new", store.Fetch("k", 100_000));
        Assert.Equal("old", store.Fetch("k", 0));
        store.Put("k", "late", 130_000); // stream time 130000 > 0 + retention: "old" expires
        Assert.Null(store.Fetch("k", 0));
        store.Close();
    }

    [Fact]
    public void Timestamped_WindowStore_LogsPlainValueWithTimestamp_AndRestores()
    {
        var supplier = Stores.InMemoryWindowStore("tw", TimeSpan.FromHours(1), Minute, false);
        var store = Stores.TimestampedWindowStoreBuilder(supplier, Serdes.String, Serdes.String).Build();
        var context = new StoreTestContext();
        store.Init(context);
        store.Put("k", new ValueAndTimestamp<string?>("v", 555), 0);
        var change = Assert.Single(context.Changes);
        Assert.Equal("v", Encoding.UTF8.GetString(change.Value!));
        Assert.Equal(555, change.Timestamp);

        var restored = Stores.TimestampedWindowStoreBuilder(supplier, Serdes.String, Serdes.String).Build();
        var second = new StoreTestContext();
        restored.Init(second);
        second.Restore(context.Changes);
        Assert.Equal(new ValueAndTimestamp<string?>("v", 555), restored.Fetch("k", 0));
    }

    [Fact]
    public void RandomWrites_MatchModelWithRetention()
    {
        var random = new Random(7);
        var store = new SegmentedWindowStore("w", retentionMs: 5_000, windowSizeMs: 1_000, retainDuplicates: false, segmentIntervalMs: 1_000, persistent: false, LogStructuredStoreOptions.Default);
        store.Init(new StoreTestContext());
        var model = new Dictionary<(string, long), string>();
        long streamTime = -1;
        for (int i = 0; i < 2000; i++)
        {
            string key = "k" + random.Next(5);
            long start = Math.Max(0, streamTime + random.Next(-6_000, 500));
            string value = "v" + i;
            store.Put(Utf8(key), Utf8(value), start);
            streamTime = Math.Max(streamTime, start);
            if (start > streamTime - 5_000) model[(key, start)] = value;
            long from = random.Next(0, (int)streamTime + 1), to = from + random.Next(0, 8_000);
            string probe = "k" + random.Next(5);
            var expected = model.Where(e => e.Key.Item1 == probe && e.Key.Item2 >= from && e.Key.Item2 <= to && e.Key.Item2 > streamTime - 5_000)
                .OrderBy(e => e.Key.Item2).Select(e => $"{e.Key.Item2}={e.Value}").ToList();
            using var range = store.Fetch(Utf8(probe), from, to);
            Assert.Equal(expected, Drain(range, kv => $"{kv.Key}={Encoding.UTF8.GetString(kv.Value)}"));
        }
    }

    private static string Windowed(KeyValue<Windowed<string?>, string?> kv) => $"{kv.Key.Key}@{kv.Key.Window.Start}-{kv.Key.Window.End}={kv.Value}";

    private static string Windowed(KeyValue<Windowed<string?>, long> kv) => $"{kv.Key.Key}@{kv.Key.Window.Start}-{kv.Key.Window.End}={kv.Value}";

    internal static List<T> Drain<TKey, TValue, T>(IKeyValueIterator<TKey, TValue> iterator, Func<KeyValue<TKey, TValue>, T> map)
    {
        var list = new List<T>();
        while (iterator.MoveNext()) list.Add(map(iterator.Current));
        return list;
    }
}
