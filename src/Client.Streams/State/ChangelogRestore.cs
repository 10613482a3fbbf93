namespace Samsa.Streams.State;

/// <summary>A changelog record as a restoring store sees it: key, value (null deletes) and the record's timestamp.</summary>
public readonly record struct ChangelogRecord(byte[] Key, byte[]? Value, long Timestamp);

/// <summary>
/// A restore callback that also wants record timestamps. Timestamped stores register one, because their
/// changelogs carry the plain value with the timestamp in the record (Kafka's layout); when a runtime calls
/// <see cref="RestoreRecords"/> instead of <see cref="IStateRestoreCallback.RestoreBatch"/>, restored entries keep
/// their original timestamps (through <see cref="IStateRestoreCallback.RestoreBatch"/> they get -1, as Kafka gives
/// values upgraded from plain stores).
/// </summary>
public interface IChangelogRestoreCallback : IStateRestoreCallback
{
    /// <summary>Applies a batch of changelog records in offset order; a null value deletes the key.</summary>
    void RestoreRecords(IReadOnlyList<ChangelogRecord> records);
}
