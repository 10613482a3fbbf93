namespace Samsa.Streams.Processor;

/// <summary>A task: one subtopology applied to one partition number of its source topics. Printed as Kafka does, <c>0_1</c>.</summary>
public readonly record struct TaskId(int Subtopology, int Partition)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Subtopology}_{Partition}";

    /// <summary>Parses <c>subtopology_partition</c>.</summary>
    public static TaskId Parse(string text)
    {
        int separator = text.IndexOf('_');
        if (separator <= 0 || !int.TryParse(text.AsSpan(0, separator), out int sub) || !int.TryParse(text.AsSpan(separator + 1), out int partition))
            throw new FormatException($"'{text}' is not a task id (subtopology_partition).");
        return new TaskId(sub, partition);
    }
}
