using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Tests.State;

/// <summary>A store context that records registrations and changelog writes, and can replay them as a restore.</summary>
internal sealed class StoreTestContext : IStateStoreContext
{
    public StoreTestContext(string? stateDirectory = null, bool logging = true)
    {
        StateDirectory = stateDirectory;
        Logging = logging;
    }

    public string ApplicationId => "app";

    public TaskId TaskId => new(0, 0);

    public string? StateDirectory { get; }

    public bool Logging { get; set; }

    public long RecordTimestamp { get; set; }

    public List<(IStateStore Store, IStateRestoreCallback Callback)> Registered { get; } = [];

    public List<ChangelogRecord> Changes { get; } = [];

    public void Register(IStateStore store, IStateRestoreCallback restore) => Registered.Add((store, restore));

    public bool IsLoggingEnabled(string storeName) => Logging;

    public void LogChange(string storeName, byte[] key, byte[]? value, long timestamp) => Changes.Add(new ChangelogRecord(key, value, timestamp));

    /// <summary>Replays <paramref name="records"/> into the last registered callback, in batches, with timestamps when it takes them.</summary>
    public void Restore(IReadOnlyList<ChangelogRecord> records, int batchSize = 7)
    {
        var callback = Registered[^1].Callback;
        for (int i = 0; i < records.Count; i += batchSize)
        {
            var batch = records.Skip(i).Take(batchSize).ToList();
            if (callback is IChangelogRestoreCallback withTimestamps) withTimestamps.RestoreRecords(batch);
            else callback.RestoreBatch(batch.Select(r => new KeyValuePair<byte[], byte[]?>(r.Key, r.Value)).ToList());
        }
    }
}

/// <summary>A temporary directory deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "samsa-state-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
