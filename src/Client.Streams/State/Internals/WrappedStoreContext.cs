using Samsa.Streams.Processor;

namespace Samsa.Streams.State.Internals;

/// <summary>
/// The context a wrapping store passes to its inner store: registrations name the outermost store (Kafka's
/// <c>root</c>), and a timestamped store's restore callback is adapted so changelog values (plain value, timestamp
/// in the record) become its stored layout (8-byte big-endian timestamp, then the value).
/// </summary>
internal sealed class WrappedStoreContext : IStateStoreContext
{
    private readonly IStateStoreContext _inner;
    private readonly IStateStore _root;
    private readonly bool _timestamped;

    private WrappedStoreContext(IStateStoreContext inner, IStateStore root, bool timestamped)
    {
        _inner = inner;
        _root = root;
        _timestamped = timestamped;
    }

    /// <summary>Wraps <paramref name="context"/> unless a store further out already did.</summary>
    public static IStateStoreContext For(IStateStoreContext context, IStateStore root, bool timestamped = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context is WrappedStoreContext wrapped)
            return timestamped && !wrapped._timestamped ? new WrappedStoreContext(wrapped._inner, wrapped._root, true) : wrapped;
        return new WrappedStoreContext(context, root, timestamped);
    }

    public string ApplicationId => _inner.ApplicationId;

    public TaskId TaskId => _inner.TaskId;

    public string? StateDirectory => _inner.StateDirectory;

    public long RecordTimestamp => _inner.RecordTimestamp;

    public bool IsLoggingEnabled(string storeName) => _inner.IsLoggingEnabled(storeName);

    public void LogChange(string storeName, byte[] key, byte[]? value, long timestamp) => _inner.LogChange(storeName, key, value, timestamp);

    public void Register(IStateStore store, IStateRestoreCallback restore) =>
        _inner.Register(_root, _timestamped ? new TimestampedRestoreCallback(restore) : restore);

    /// <summary>Turns changelog records (plain value + record timestamp) into timestamped values.</summary>
    private sealed class TimestampedRestoreCallback(IStateRestoreCallback inner) : IChangelogRestoreCallback
    {
        public void RestoreBatch(IReadOnlyList<KeyValuePair<byte[], byte[]?>> records)
        {
            var converted = new KeyValuePair<byte[], byte[]?>[records.Count];
            for (int i = 0; i < converted.Length; i++)
                converted[i] = new(records[i].Key, records[i].Value is { } v ? TimestampedBytes.Compose(-1, v) : null);
            inner.RestoreBatch(converted);
        }

        public void RestoreRecords(IReadOnlyList<ChangelogRecord> records)
        {
            var converted = new KeyValuePair<byte[], byte[]?>[records.Count];
            for (int i = 0; i < converted.Length; i++)
                converted[i] = new(records[i].Key, records[i].Value is { } v ? TimestampedBytes.Compose(records[i].Timestamp, v) : null);
            inner.RestoreBatch(converted);
        }
    }
}
