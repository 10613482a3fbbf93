using System.Buffers.Binary;
using System.Text;
using Samsa.Streams.State;

namespace Samsa.Streams.Tests.State;

public sealed class KeyValueLayerTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Builder_Defaults_LoggingEnabledWithCompactPolicy()
    {
        var builder = Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("counts"), Serdes.String, Serdes.Int64);
        Assert.Equal("counts", builder.Name);
        Assert.True(builder.LoggingEnabled);
        Assert.Equal("compact", builder.LogConfig["cleanup.policy"]);

        builder.WithLoggingEnabled(new Dictionary<string, string> { ["min.insync.replicas"] = "2", ["cleanup.policy"] = "compact,delete" });
        Assert.Equal("2", builder.LogConfig["min.insync.replicas"]);
        Assert.Equal("compact,delete", builder.LogConfig["cleanup.policy"]);

        builder.WithLoggingDisabled();
        Assert.False(builder.LoggingEnabled);
        Assert.Empty(builder.LogConfig);
    }

    [Fact]
    public void TypedStore_RegistersOutermostStore_AndLogsExactlyWhatWasWritten()
    {
        var store = Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("kv"), Serdes.String, Serdes.Int64).Build();
        var context = new StoreTestContext { RecordTimestamp = 42 };
        store.Init(context);

        Assert.Same(store, Assert.Single(context.Registered).Store);
        store.Put("a", 1);
        store.Put("b", 2);
        Assert.Equal(0L, store.PutIfAbsent("c", 3));
        Assert.Equal(3L, store.PutIfAbsent("c", 4)); // existing: not written, not logged
        context.RecordTimestamp = 43;
        Assert.Equal(1L, store.Delete("a"));
        store.PutAll([new("d", 5L), new("e", 6L)]);

        var expected = new (string Key, long? Value, long Ts)[] { ("a", 1, 42), ("b", 2, 42), ("c", 3, 42), ("a", null, 43), ("d", 5, 43), ("e", 6, 43) };
        Assert.Equal(expected.Length, context.Changes.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Key, Encoding.UTF8.GetString(context.Changes[i].Key));
            Assert.Equal(expected[i].Value, context.Changes[i].Value is { } v ? BinaryPrimitives.ReadInt64BigEndian(v) : null);
            Assert.Equal(expected[i].Ts, context.Changes[i].Timestamp);
        }
    }

    [Fact]
    public void LoggingDisabledInContext_WritesNothingToChangelog()
    {
        var store = Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("kv"), Serdes.String, Serdes.String).Build();
        var context = new StoreTestContext(logging: false);
        store.Init(context);
        store.Put("a", "x");
        Assert.Empty(context.Changes);
        Assert.Equal("x", store.Get("a"));
    }

    [Fact]
    public void Restore_ThroughCallback_FillsStoreWithoutLogging()
    {
        var source = Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("kv"), Serdes.String, Serdes.String).Build();
        var first = new StoreTestContext();
        source.Init(first);
        for (int i = 0; i < 50; i++) source.Put("k" + (i % 20), "v" + i);
        for (int i = 0; i < 5; i++) source.Delete("k" + i);

        var restored = Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("kv"), Serdes.String, Serdes.String).Build();
        var second = new StoreTestContext();
        restored.Init(second);
        second.Restore(first.Changes);

        Assert.Empty(second.Changes);
        using var expected = source.All();
        using var actual = restored.All();
        Assert.Equal(DrainTyped(expected), DrainTyped(actual));
        Assert.Equal(15, restored.ApproximateNumEntries);
    }

    [Fact]
    public void Timestamped_StoresKafkaLayout_AndLogsPlainValueWithItsTimestamp()
    {
        var bytes = Stores.InMemoryKeyValueStore("table");
        var store = Stores.TimestampedKeyValueStoreBuilder(bytes, Serdes.String, Serdes.String).Build();
        var context = new StoreTestContext { RecordTimestamp = 7 };
        store.Init(context);
        store.Put("k", new ValueAndTimestamp<string?>("hello", 1234));

        Assert.Equal(new ValueAndTimestamp<string?>("hello", 1234), store.Get("k"));
        var change = Assert.Single(context.Changes);
        Assert.Equal("hello", Encoding.UTF8.GetString(change.Value!));
        Assert.Equal(1234, change.Timestamp);

        // The inner bytes store holds [8-byte big-endian timestamp][value].
        var inner = (ChangeLoggingKeyValueBytesStore)((TypedKeyValueStore<string?, ValueAndTimestamp<string?>>)store).Inner;
        var raw = inner.Get(Utf8("k"))!;
        Assert.Equal(1234, BinaryPrimitives.ReadInt64BigEndian(raw));
        Assert.Equal("hello", Encoding.UTF8.GetString(raw.AsSpan(8)));

        Assert.False(store.TryGet("missing", out _));
        Assert.True(store.TryGet("k", out var found));
        Assert.Equal(1234, found.Timestamp);
    }

    [Fact]
    public void Timestamped_RestoreKeepsRecordTimestamps()
    {
        var source = Stores.TimestampedKeyValueStoreBuilder(Stores.InMemoryKeyValueStore("t"), Serdes.String, Serdes.Int64).Build();
        var first = new StoreTestContext();
        source.Init(first);
        source.Put("a", new ValueAndTimestamp<long>(10, 100));
        source.Put("b", new ValueAndTimestamp<long>(20, 200));
        source.Put("a", new ValueAndTimestamp<long>(11, 300));

        var restored = Stores.TimestampedKeyValueStoreBuilder(Stores.InMemoryKeyValueStore("t"), Serdes.String, Serdes.Int64).Build();
        var second = new StoreTestContext();
        restored.Init(second);
        Assert.IsAssignableFrom<IChangelogRestoreCallback>(second.Registered[0].Callback);
        second.Restore(first.Changes);

        Assert.Equal(new ValueAndTimestamp<long>(11, 300), restored.Get("a"));
        Assert.Equal(new ValueAndTimestamp<long>(20, 200), restored.Get("b"));
        Assert.Empty(second.Changes);
    }

    [Fact]
    public void TypedStore_NullKey_Throws_AndNullValueDeletes()
    {
        var store = Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("kv"), Serdes.String, Serdes.String).WithLoggingDisabled().Build();
        store.Init(new StoreTestContext());
        Assert.Throws<ArgumentNullException>(() => store.Put(null, "x"));
        store.Put("a", "x");
        store.Put("a", null);
        Assert.Null(store.Get("a"));
        Assert.Equal(0, store.ApproximateNumEntries);
    }

    [Fact]
    public void TypedRange_UsesSerializedByteOrder_BothDirections()
    {
        var store = Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("kv"), Serdes.Int32, Serdes.String).WithLoggingDisabled().Build();
        store.Init(new StoreTestContext());
        foreach (int k in new[] { 5, 1, 3, 200, 2 }) store.Put(k, "v" + k);
        using (var range = store.Range(2, 5)) Assert.Equal([2, 3, 5], DrainKeys(range));
        using (var reverse = store.ReverseRange(2, 5)) Assert.Equal([5, 3, 2], DrainKeys(reverse));
        using (var open = store.Range(3, 1000)) Assert.Equal([3, 5, 200], DrainKeys(open));
        using (var empty = store.Range(5, 2)) Assert.Empty(DrainKeys(empty));
        using var peek = store.All();
        Assert.Equal(1, peek.PeekNextKey());
        Assert.True(peek.MoveNext());
        Assert.Equal(1, peek.Current.Key);
    }

    [Fact]
    public void Iterator_SurvivesWritesDuringIteration()
    {
        var store = new InMemoryKeyValueStore("kv");
        store.Init(new StoreTestContext());
        for (byte i = 0; i < 10; i++) store.Put([i], [i]);
        var seen = new List<byte>();
        using (var iterator = store.All())
        {
            while (iterator.MoveNext())
            {
                byte k = iterator.Current.Key[0];
                seen.Add(k);
                store.Delete([k]);
                if (k == 2) store.Delete([3]);
                if (k == 4) store.Put([20], [20]);
            }
        }
        Assert.Equal(new byte[] { 0, 1, 2, 4, 5, 6, 7, 8, 9, 20 }, seen);
        Assert.Equal(0, store.ApproximateNumEntries);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    public void Stores_InvalidName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => Stores.InMemoryKeyValueStore(name));
        Assert.Throws<ArgumentException>(() => Stores.PersistentKeyValueStore(name));
    }

    private static List<int> DrainKeys(IKeyValueIterator<int, string?> iterator)
    {
        var keys = new List<int>();
        while (iterator.MoveNext()) keys.Add(iterator.Current.Key);
        return keys;
    }

    private static List<string> DrainTyped(IKeyValueIterator<string?, string?> iterator)
    {
        var list = new List<string>();
        while (iterator.MoveNext()) list.Add(iterator.Current.Key + "=" + iterator.Current.Value);
        return list;
    }
}
