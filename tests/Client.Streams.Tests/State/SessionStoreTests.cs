using System.Buffers.Binary;
using System.Text;
using Samsa.Streams.State;

namespace Samsa.Streams.Tests.State;

public sealed class SessionStoreTests
{
    public static TheoryData<bool> Kinds => new() { false, true };

    private static ISessionStore<string?, long> Build(bool persistent, TimeSpan retention) => Stores.SessionStoreBuilder(
        persistent ? Stores.PersistentSessionStore("s", retention) : Stores.InMemorySessionStore("s", retention), Serdes.String, Serdes.Int64).Build();

    private static Windowed<string?> Session(string key, long start, long end) => new(key, new TimeWindow(start, end));

    private static List<string> Drain(IKeyValueIterator<Windowed<string?>, long> iterator) =>
        WindowStoreTests.Drain(iterator, kv => $"{kv.Key.Key}[{kv.Key.Window.Start},{kv.Key.Window.End}]={kv.Value}");

    [Theory]
    [MemberData(nameof(Kinds))]
    public void FindSessions_ReturnsOverlappingSessionsOfExactlyThatKey_ByEndTime(bool persistent)
    {
        using var dir = new TempDir();
        var store = Build(persistent, TimeSpan.FromHours(1));
        store.Init(new StoreTestContext(dir.Path));
        store.Put(Session("k", 0, 10), 1);
        store.Put(Session("k", 20, 30), 2);
        store.Put(Session("k", 40, 50), 3);
        store.Put(Session("k", 100, 100), 4);
        store.Put(Session("kk", 20, 30), 9);
        store.Put(Session("j", 20, 30), 8);

        // end >= 15 and start <= 45
        using (var found = store.FindSessions("k", 15, 45)) Assert.Equal(["k[20,30]=2", "k[40,50]=3"], Drain(found));
        // inclusive bounds
        using (var found = store.FindSessions("k", 10, 40)) Assert.Equal(["k[0,10]=1", "k[20,30]=2", "k[40,50]=3"], Drain(found));
        using (var none = store.FindSessions("k", 51, 99)) Assert.Empty(Drain(none));
        using (var all = store.Fetch("k")) Assert.Equal(4, Drain(all).Count);

        store.Remove(Session("k", 20, 30));
        using (var after = store.FindSessions("k", 15, 45)) Assert.Equal(["k[40,50]=3"], Drain(after));
        store.Close();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Retention_HidesAndDropsSessionsEndingTooEarly(bool persistent)
    {
        using var dir = new TempDir();
        var store = Build(persistent, TimeSpan.FromMinutes(1));
        store.Init(new StoreTestContext(dir.Path));
        store.Put(Session("k", 0, 1_000), 1);
        store.Put(Session("k", 50_000, 61_000), 2); // stream time 61000: min live end 1001
        using (var found = store.Fetch("k")) Assert.Equal(["k[50000,61000]=2"], Drain(found));
        store.Put(Session("k", 0, 500), 3); // expired: dropped
        using (var found = store.Fetch("k")) Assert.Equal(["k[50000,61000]=2"], Drain(found));
        store.Close();
    }

    [Fact]
    public void ChangeLog_UsesBinarySessionKeys_AndRestoreRebuildsStore()
    {
        var store = Build(false, TimeSpan.FromHours(1));
        var context = new StoreTestContext { RecordTimestamp = 5 };
        store.Init(context);
        store.Put(Session("k", 10, 20), 7);
        store.Put(Session("k", 30, 40), 8);
        store.Remove(Session("k", 10, 20));

        var key = context.Changes[0].Key;
        Assert.Equal("k", Encoding.UTF8.GetString(key, 0, 1));
        Assert.Equal(20, BinaryPrimitives.ReadInt64BigEndian(key.AsSpan(1)));
        Assert.Equal(10, BinaryPrimitives.ReadInt64BigEndian(key.AsSpan(9)));
        Assert.Null(context.Changes[2].Value);

        var restored = Build(false, TimeSpan.FromHours(1));
        var second = new StoreTestContext();
        restored.Init(second);
        second.Restore(context.Changes);
        using var all = restored.Fetch("k");
        Assert.Equal(["k[30,40]=8"], Drain(all));
        Assert.Empty(second.Changes);
    }

    [Fact]
    public void Persistent_Reopen_KeepsSessionsInSegmentDirectories()
    {
        using var dir = new TempDir();
        var store = Build(true, TimeSpan.FromMinutes(10));
        store.Init(new StoreTestContext(dir.Path));
        store.Put(Session("k", 0, 1_000), 1);
        store.Put(Session("k", 400_000, 401_000), 2);
        store.Close();
        Assert.Equal(["s.0", "s.300000"], Directory.GetDirectories(Path.Combine(dir.Path, "s")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        store = Build(true, TimeSpan.FromMinutes(10));
        store.Init(new StoreTestContext(dir.Path));
        using (var all = store.Fetch("k")) Assert.Equal(["k[0,1000]=1", "k[400000,401000]=2"], Drain(all));
        store.Put(Session("k", 700_000, 700_000), 3); // stream time 700000: the session ending at 1000 is out of retention
        using (var after = store.Fetch("k")) Assert.Equal(["k[400000,401000]=2", "k[700000,700000]=3"], Drain(after));
        Assert.True(Directory.Exists(Path.Combine(dir.Path, "s", "s.0"))); // its segment still holds live times (100001..299999)
        store.Put(Session("k", 1_000_000, 1_000_000), 4); // min live 400001: segment 0 is deleted
        using (var later = store.Fetch("k")) Assert.Equal(["k[400000,401000]=2", "k[700000,700000]=3", "k[1000000,1000000]=4"], Drain(later));
        store.Close();
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "s", "s.0")));
    }

    [Fact]
    public void InvalidSessions_Throw()
    {
        var store = Build(false, TimeSpan.FromHours(1));
        store.Init(new StoreTestContext());
        Assert.Throws<ArgumentException>(() => store.Put(Session("k", 10, 5), 1));
        Assert.Throws<ArgumentException>(() => store.Put(Session("k", -1, 5), 1));
        Assert.Throws<ArgumentNullException>(() => store.Put(new Windowed<string?>(null, new TimeWindow(0, 1)), 1));
    }
}
