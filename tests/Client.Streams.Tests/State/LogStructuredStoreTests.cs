using System.Buffers.Binary;
using System.Text;
using Samsa.Streams.State;
using Samsa.Streams.State.Internals;

namespace Samsa.Streams.Tests.State;

public sealed class LogStructuredStoreTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static LogStructuredKeyValueStore Open(string dir, LogStructuredStoreOptions? options = null)
    {
        var store = new LogStructuredKeyValueStore("kv", options ?? LogStructuredStoreOptions.Default);
        store.Init(new StoreTestContext(dir));
        return store;
    }

    private static string DataFile(string dir) => Path.Combine(dir, "kv", LogFile.DataFileName);

    /// <summary>Writes one entry per key (value: its 1-based position), closes the store, then damages the file in place.</summary>
    private static byte[] WriteThenDamage(string dir, string[] keys, Action<byte[]> damage)
    {
        var store = Open(dir);
        for (int i = 0; i < keys.Length; i++) store.Put(Utf8(keys[i]), Utf8((i + 1).ToString()));
        store.Close();
        var bytes = File.ReadAllBytes(DataFile(dir));
        damage(bytes);
        File.WriteAllBytes(DataFile(dir), bytes);
        return bytes;
    }

    [Fact]
    public void Reopen_AfterFlush_KeepsEverything()
    {
        using var dir = new TempDir();
        var store = Open(dir.Path);
        Assert.True(store.Persistent);
        for (int i = 0; i < 100; i++) store.Put(Utf8("k" + i), Utf8("v" + i));
        store.Delete(Utf8("k7"));
        store.Flush();
        store.Close();

        store = Open(dir.Path);
        Assert.Equal(99, store.ApproximateNumEntries);
        Assert.Null(store.Get(Utf8("k7")));
        Assert.Equal("v42", Encoding.UTF8.GetString(store.Get(Utf8("k42"))!));
        store.Close();
    }

    [Fact]
    public void Compaction_RewritesFile_DropsGarbage_KeepsValues()
    {
        using var dir = new TempDir();
        var options = new LogStructuredStoreOptions { CompactionMinGarbageBytes = 4096, WriteBufferBytes = 512 };
        var store = Open(dir.Path, options);
        for (int round = 0; round < 20; round++)
            for (int i = 0; i < 50; i++) store.Put(Utf8("k" + i), Utf8($"value-{round}-{i}"));
        Assert.True(store.Log.Compactions > 0);
        Assert.True(store.Log.GarbageBytes <= store.Log.LiveBytes, $"garbage {store.Log.GarbageBytes} live {store.Log.LiveBytes}");
        store.Close();
        Assert.False(File.Exists(Path.Combine(dir.Path, "kv", "data.log.compacting")));

        store = Open(dir.Path, options);
        for (int i = 0; i < 50; i++) Assert.Equal($"value-19-{i}", Encoding.UTF8.GetString(store.Get(Utf8("k" + i))!));
        store.Close();
    }

    [Fact]
    public void TornTail_IsTruncated_OnOpen()
    {
        using var dir = new TempDir();
        var store = Open(dir.Path);
        store.Put(Utf8("a"), Utf8("1"));
        store.Put(Utf8("b"), Utf8("2"));
        store.Close();
        long good = new FileInfo(DataFile(dir.Path)).Length;

        // A half-written third entry.
        using (var file = new FileStream(DataFile(dir.Path), FileMode.Append)) file.Write([0x12, 0x34, 0x56, 0x78, LogFile.PutType, 1, 0]);
        store = Open(dir.Path);
        Assert.Equal(7, store.Log.TruncatedBytes);
        Assert.Equal(2, store.ApproximateNumEntries);
        Assert.Equal(good, new FileInfo(DataFile(dir.Path)).Length);
        store.Put(Utf8("c"), Utf8("3"));
        store.Close();

        store = Open(dir.Path);
        Assert.Equal("3", Encoding.UTF8.GetString(store.Get(Utf8("c"))!));
        Assert.Equal(0, store.Log.TruncatedBytes);
        store.Close();
    }

    [Fact]
    public void BadChecksumOnLastEntry_IsTruncated()
    {
        using var dir = new TempDir();
        WriteThenDamage(dir.Path, ["a", "b"], bytes => bytes[^1] ^= 0xFF); // the value byte of "b"

        var store = Open(dir.Path);
        Assert.Equal(1, store.ApproximateNumEntries);
        Assert.Null(store.Get(Utf8("b")));
        store.Close();
    }

    [Fact]
    public void CorruptLength_AtTail_IsTruncated_WithoutAllocatingIt()
    {
        using var dir = new TempDir();
        int second = LogFile.FileHeaderSize + LogFile.EntryHeaderSize + 2;
        WriteThenDamage(dir.Path, ["a", "b"], bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(second + 9), int.MaxValue)); // value length of "b"

        var store = Open(dir.Path);
        Assert.Equal(1, store.ApproximateNumEntries);
        Assert.Equal("1", Encoding.UTF8.GetString(store.Get(Utf8("a"))!));
        store.Close();
    }

    [Fact]
    public void CorruptionFollowedByValidEntries_ThrowsTypedException_AndKeepsFile()
    {
        using var dir = new TempDir();
        var bytes = WriteThenDamage(dir.Path, ["a", "b", "c"], bytes => bytes[LogFile.FileHeaderSize + LogFile.EntryHeaderSize] ^= 0x01); // the key byte of "a"

        var broken = new LogStructuredKeyValueStore("kv", LogStructuredStoreOptions.Default);
        var error = Assert.Throws<StateStoreCorruptedException>(() => broken.Init(new StoreTestContext(dir.Path)));
        Assert.Equal(LogFile.FileHeaderSize, error.Position);
        Assert.False(broken.IsOpen);
        Assert.Equal(bytes.Length, new FileInfo(DataFile(dir.Path)).Length); // nothing was cut
    }

    [Fact]
    public void ForeignFile_ThrowsTypedException()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "kv"));
        File.WriteAllBytes(DataFile(dir.Path), Utf8("this is not a store file at all"));
        Assert.Throws<StateStoreCorruptedException>(() => Open(dir.Path));
    }

    [Fact]
    public void InterruptedCompaction_LeftoverIsIgnored()
    {
        using var dir = new TempDir();
        var store = Open(dir.Path);
        store.Put(Utf8("a"), Utf8("1"));
        store.Close();
        File.WriteAllBytes(Path.Combine(dir.Path, "kv", "data.log.compacting"), Utf8("partial"));
        store = Open(dir.Path);
        Assert.Equal("1", Encoding.UTF8.GetString(store.Get(Utf8("a"))!));
        store.Close();
        Assert.False(File.Exists(Path.Combine(dir.Path, "kv", "data.log.compacting")));
    }

    [Fact]
    public void Restore_ThroughRegisteredCallback_IsDurableAfterFlush()
    {
        using var dir = new TempDir();
        var builder = Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore("kv"), Serdes.String, Serdes.String);
        var store = builder.Build();
        var context = new StoreTestContext(dir.Path);
        store.Init(context);
        Assert.Same(store, context.Registered[0].Store);
        context.Restore([new(Utf8("x"), Utf8("1"), 0), new(Utf8("y"), Utf8("2"), 0), new(Utf8("x"), null, 0)]);
        Assert.Empty(context.Changes);
        store.Flush();
        store.Close();

        var reopened = builder.Build();
        reopened.Init(new StoreTestContext(dir.Path));
        Assert.Null(reopened.Get("x"));
        Assert.Equal("2", reopened.Get("y"));
        reopened.Close();
    }

    [Fact]
    public void ValueDamagedAfterOpen_ReadThrowsTypedException()
    {
        using var dir = new TempDir();
        var store = Open(dir.Path);
        store.Put(Utf8("a"), Utf8("hello"));
        store.Put(Utf8("b"), Utf8("world"));
        store.Flush();
        using (var file = new FileStream(DataFile(dir.Path), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            file.Position = LogFile.FileHeaderSize + LogFile.EntryHeaderSize + 1; // first byte of "hello"
            file.WriteByte((byte)'J');
        }
        Assert.Throws<StateStoreCorruptedException>(() => store.Get(Utf8("a")));
        Assert.Equal("world", Encoding.UTF8.GetString(store.Get(Utf8("b"))!));
        store.Close();
    }

    [Fact]
    public void TimestampedPersistentStore_SurvivesReopen()
    {
        using var dir = new TempDir();
        var builder = Stores.TimestampedKeyValueStoreBuilder(Stores.PersistentTimestampedKeyValueStore("kv"), Serdes.String, Serdes.Int64);
        var store = builder.Build();
        store.Init(new StoreTestContext(dir.Path));
        store.Put("count", new ValueAndTimestamp<long>(0, 10));
        store.Put("other", new ValueAndTimestamp<long>(5, 20));
        store.Close();

        store = builder.Build();
        store.Init(new StoreTestContext(dir.Path));
        Assert.True(store.TryGet("count", out var count));
        Assert.Equal(new ValueAndTimestamp<long>(0, 10), count);
        Assert.False(store.TryGet("missing", out _));
        store.Close();
    }

    [Fact]
    public void PersistentStore_WithoutStateDirectory_Throws()
    {
        var store = new LogStructuredKeyValueStore("kv", LogStructuredStoreOptions.Default);
        Assert.Throws<InvalidOperationException>(() => store.Init(new StoreTestContext()));
    }
}
