using BenchmarkDotNet.Attributes;
using Samsa.Streams.Processor;
using Samsa.Streams.State;
using Samsa.Streams.State.Internals;

namespace Samsa.Benchmarks.Micro.Streams;

/// <summary>
/// Key-value bytes stores with 100,000 entries (16-byte keys, 100-byte values): put (overwrite), get (hit) and a
/// 100-entry range scan, for the in-memory store and the log-structured persistent store (values read from the file,
/// which the OS page cache holds). Per-operation figures.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class StateStoreBenchmarks
{
    private const int Entries = 100_000;
    private const int Batch = 1000;
    private readonly byte[][] _keys = new byte[Entries][];
    private readonly byte[] _value = new byte[100];
    private IKeyValueStore<byte[], byte[]> _store = null!;
    private string _directory = "";
    private int _cursor;

    [Params("in-memory", "persistent")]
    public string Kind { get; set; } = "in-memory";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        random.NextBytes(_value);
        for (int i = 0; i < Entries; i++)
        {
            _keys[i] = new byte[16];
            random.NextBytes(_keys[i]);
        }
        _directory = Path.Combine(Path.GetTempPath(), "samsa-bench-" + Guid.NewGuid().ToString("N"));
        _store = Kind == "persistent" ? new LogStructuredKeyValueStore("bench", LogStructuredStoreOptions.Default) : new InMemoryKeyValueStore("bench");
        _store.Init(new BenchContext(_directory));
        foreach (var key in _keys) _store.Put(key, _value);
        _store.Flush();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Close();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void Put()
    {
        for (int i = 0; i < Batch; i++) _store.Put(_keys[Next()], _value);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Get()
    {
        int total = 0;
        for (int i = 0; i < Batch; i++) total += _store.Get(_keys[Next()])!.Length;
        return total;
    }

    [Benchmark]
    public int Range100()
    {
        int total = 0;
        using var range = _store.Range(_keys[Next()], null);
        for (int i = 0; i < 100 && range.MoveNext(); i++) total += range.Current.Value.Length;
        return total;
    }

    private int Next()
    {
        _cursor = (_cursor + 7919) % Entries;
        return _cursor;
    }

    private sealed class BenchContext(string directory) : IStateStoreContext
    {
        public string ApplicationId => "bench";

        public TaskId TaskId => new(0, 0);

        public string? StateDirectory => directory;

        public long RecordTimestamp => 0;

        public void Register(IStateStore store, IStateRestoreCallback restore) { }

        public bool IsLoggingEnabled(string storeName) => false;

        public void LogChange(string storeName, byte[] key, byte[]? value, long timestamp) { }
    }
}
