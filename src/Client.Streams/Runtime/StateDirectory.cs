using System.Globalization;
using System.Text;
using System.Text.Json;
using Samsa.Streams.Processor;

namespace Samsa.Streams.Runtime;

/// <summary>
/// The application's directory <c>&lt;state.dir&gt;/&lt;application.id&gt;</c>: one directory per task (<c>0_1</c>),
/// <c>global</c> for global stores, <c>.checkpoint</c> files of changelog offsets in Kafka's text format
/// (version, count, then <c>topic partition offset</c> lines; the offset is the next one to restore from), and the
/// process id in <c>kafka-streams-process-metadata</c> so a restarted instance keeps its transactional ids.
/// </summary>
internal sealed class StateDirectory(StreamsConfig config)
{
    public const string CheckpointFile = ".checkpoint";
    private const string ProcessFile = "kafka-streams-process-metadata";

    public string AppDirectory { get; } = Path.Combine(config.StateDir, config.ApplicationId);

    public string TaskDirectory(TaskId id) =>
        Directory.CreateDirectory(Path.Combine(AppDirectory, id.Subtopology < 0 ? "global" : id.ToString())).FullName;

    /// <summary>The persisted process id, created on first use.</summary>
    public Guid ProcessId()
    {
        Directory.CreateDirectory(AppDirectory);
        string path = Path.Combine(AppDirectory, ProcessFile);
        if (File.Exists(path))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(path));
                if (doc.RootElement.TryGetProperty("processId", out var id) && Guid.TryParse(id.GetString(), out var guid)) return guid;
            }
            catch (JsonException)
            {
                // Unreadable: replace it.
            }
        }
        var created = Guid.NewGuid();
        File.WriteAllText(path, JsonSerializer.Serialize(new Dictionary<string, string> { ["processId"] = created.ToString() }));
        return created;
    }

    /// <summary>
    /// Locks the application directory for this instance (an exclusive <c>.lock</c> file), so two instances never share
    /// task state; throws <see cref="StreamsException"/> when another instance holds it.
    /// </summary>
    public IDisposable Lock()
    {
        Directory.CreateDirectory(AppDirectory);
        string path = Path.Combine(AppDirectory, ".lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e)
        {
            throw new StreamsException($"State directory '{AppDirectory}' is in use by another instance of '{config.ApplicationId}'; give each instance its own state.dir.", e);
        }
    }

    public bool HasCheckpoint(TaskId id) => File.Exists(Path.Combine(AppDirectory, DirName(id), CheckpointFile));

    public Dictionary<TopicPartition, long> ReadCheckpoint(TaskId id)
    {
        var result = new Dictionary<TopicPartition, long>();
        string path = Path.Combine(AppDirectory, DirName(id), CheckpointFile);
        if (!File.Exists(path)) return result;
        var lines = File.ReadAllLines(path);
        if (lines.Length < 2 || lines[0].Trim() != "0") return result;
        for (int i = 2; i < lines.Length; i++)
        {
            var parts = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int p) && long.TryParse(parts[2], CultureInfo.InvariantCulture, out long offset))
                result[new TopicPartition(parts[0], p)] = offset;
        }
        return result;
    }

    /// <summary>Writes the checkpoint atomically (temp file, then rename).</summary>
    public void WriteCheckpoint(TaskId id, IReadOnlyDictionary<TopicPartition, long> offsets)
    {
        string dir = TaskDirectory(id);
        var text = new StringBuilder();
        text.Append("0\n").Append(offsets.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var (tp, offset) in offsets)
            text.Append(tp.Topic).Append(' ').Append(tp.Partition.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(offset.ToString(CultureInfo.InvariantCulture)).Append('\n');
        string path = Path.Combine(dir, CheckpointFile), temp = path + ".tmp";
        File.WriteAllText(temp, text.ToString());
        File.Move(temp, path, overwrite: true);
    }

    public void DeleteCheckpoint(TaskId id)
    {
        string path = Path.Combine(AppDirectory, DirName(id), CheckpointFile);
        if (File.Exists(path)) File.Delete(path);
    }

    /// <summary>Deletes a task's state (used when it has no checkpoint, or after a dirty close under exactly-once).</summary>
    public void Wipe(TaskId id)
    {
        string path = Path.Combine(AppDirectory, DirName(id));
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }

    /// <summary>Deletes every task and global directory of the application (Kafka's <c>cleanUp()</c>); the process id stays.</summary>
    public void CleanUp()
    {
        if (!Directory.Exists(AppDirectory)) return;
        foreach (var dir in Directory.GetDirectories(AppDirectory)) Directory.Delete(dir, recursive: true);
    }

    private static string DirName(TaskId id) => id.Subtopology < 0 ? "global" : id.ToString();
}
