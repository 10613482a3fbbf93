using System.Globalization;
using System.Text;

namespace Samsa.Broker.Mini.Storage;

/// <summary>
/// Kafka's <c>cleaner-offset-checkpoint</c> file, one per log directory: a version line (0), a count line, then one
/// <c>topic partition offset</c> line per compacted partition, written to a temporary file and renamed over the old one.
/// </summary>
internal static class CleanerCheckpointFile
{
    public const string FileName = "cleaner-offset-checkpoint";
    private const int Version = 0;

    /// <summary>The checkpoints in <paramref name="path"/>; empty when the file is missing or malformed (Kafka then cleans from the start).</summary>
    public static Dictionary<(string Topic, int Partition), long> Read(string path)
    {
        var result = new Dictionary<(string, int), long>();
        if (!File.Exists(path)) return result;
        string[] lines = File.ReadAllLines(path);
        if (lines.Length < 2 || lines[0].Trim() != "0" || !int.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            || lines.Length - 2 < count)
            return result;
        for (int i = 2; i < 2 + count; i++)
        {
            // Topic names cannot hold spaces, so the last two fields are the partition and the offset.
            string[] parts = lines[i].Split(' ');
            if (parts.Length != 3
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int partition)
                || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long offset))
                return new Dictionary<(string, int), long>();
            result[(parts[0], partition)] = offset;
        }
        return result;
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="checkpoints"/> atomically.</summary>
    public static void Write(string path, IEnumerable<(string Topic, int Partition, long Offset)> checkpoints)
    {
        var lines = checkpoints.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Topic} {c.Partition} {c.Offset}")).ToList();
        var text = new StringBuilder();
        text.Append(Version).Append('\n').Append(lines.Count).Append('\n');
        foreach (string line in lines) text.Append(line).Append('\n');
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path + ".tmp", text.ToString());
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
