namespace Samsa.Streams.State;

/// <summary>
/// A persistent store file is damaged somewhere other than its tail (a torn tail is truncated on open, which loses
/// only writes that were never flushed). Recover by deleting the store directory and restoring from the changelog.
/// </summary>
public sealed class StateStoreCorruptedException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/> at byte <paramref name="position"/>.</summary>
    public StateStoreCorruptedException(string path, long position, string reason)
        : base($"State store file {path} is corrupt at byte {position}: {reason}. Delete the store directory to restore it from its changelog.")
    {
        FilePath = path;
        Position = position;
    }

    /// <summary>The damaged file.</summary>
    public string FilePath { get; }

    /// <summary>The byte position of the first bad entry.</summary>
    public long Position { get; }
}
