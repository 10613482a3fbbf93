namespace Samsa.Admin;

/// <summary>How <c>kafka-consumer-groups.sh --reset-offsets</c> picks the new offsets.</summary>
public enum OffsetResetKind
{
    /// <summary><c>--to-earliest</c>.</summary>
    ToEarliest,
    /// <summary><c>--to-latest</c>.</summary>
    ToLatest,
    /// <summary><c>--to-current</c>: the committed offset (latest where there is none).</summary>
    ToCurrent,
    /// <summary><c>--to-offset</c>: one offset for every partition, clamped to the log's range.</summary>
    ToOffset,
    /// <summary><c>--shift-by</c>: the committed offset plus N (may be negative), clamped to the log's range.</summary>
    ShiftBy,
    /// <summary><c>--to-datetime</c>: the first offset at or after a time (latest when none).</summary>
    ToDatetime,
    /// <summary><c>--by-duration</c>: like <see cref="ToDatetime"/> for now minus a duration.</summary>
    ByDuration,
    /// <summary><c>--from-file</c>: CSV rows <c>topic,partition,offset</c> (or <c>group,topic,partition,offset</c>).</summary>
    FromFile,
}

/// <summary>One of the reset choices of <c>kafka-consumer-groups.sh</c>.</summary>
public sealed record OffsetResetSpec
{
    private OffsetResetSpec(OffsetResetKind kind) => Kind = kind;

    /// <summary>The choice.</summary>
    public OffsetResetKind Kind { get; }

    /// <summary>The offset (<see cref="OffsetResetKind.ToOffset"/>) or shift (<see cref="OffsetResetKind.ShiftBy"/>).</summary>
    public long Value { get; private init; }

    /// <summary>The time for <see cref="OffsetResetKind.ToDatetime"/>.</summary>
    public DateTimeOffset Time { get; private init; }

    /// <summary>The duration for <see cref="OffsetResetKind.ByDuration"/>.</summary>
    public TimeSpan Duration { get; private init; }

    /// <summary>The CSV text for <see cref="OffsetResetKind.FromFile"/>.</summary>
    public string? Csv { get; private init; }

    /// <summary><c>--to-earliest</c>.</summary>
    public static OffsetResetSpec ToEarliest() => new(OffsetResetKind.ToEarliest);

    /// <summary><c>--to-latest</c>.</summary>
    public static OffsetResetSpec ToLatest() => new(OffsetResetKind.ToLatest);

    /// <summary><c>--to-current</c>.</summary>
    public static OffsetResetSpec ToCurrent() => new(OffsetResetKind.ToCurrent);

    /// <summary><c>--to-offset</c>.</summary>
    public static OffsetResetSpec ToOffset(long offset) => new(OffsetResetKind.ToOffset) { Value = offset };

    /// <summary><c>--shift-by</c>.</summary>
    public static OffsetResetSpec ShiftBy(long delta) => new(OffsetResetKind.ShiftBy) { Value = delta };

    /// <summary><c>--to-datetime</c>.</summary>
    public static OffsetResetSpec ToDatetime(DateTimeOffset time) => new(OffsetResetKind.ToDatetime) { Time = time };

    /// <summary><c>--by-duration</c>.</summary>
    public static OffsetResetSpec ByDuration(TimeSpan duration) => new(OffsetResetKind.ByDuration) { Duration = duration };

    /// <summary><c>--from-file</c>, given the file's text.</summary>
    public static OffsetResetSpec FromCsv(string csv) => new(OffsetResetKind.FromFile) { Csv = csv ?? throw new ArgumentNullException(nameof(csv)) };
}

/// <summary>A reset to plan (dry run) or apply (<see cref="Execute"/>).</summary>
/// <param name="GroupId">The group.</param>
/// <param name="Spec">How to choose the new offsets.</param>
public sealed record OffsetResetRequest(string GroupId, OffsetResetSpec Spec)
{
    /// <summary><c>--topic</c>: every partition of these topics. With neither this nor <see cref="Partitions"/>: <c>--all-topics</c> (those with committed offsets).</summary>
    public IReadOnlyList<string>? Topics { get; init; }

    /// <summary><c>--topic t:0,1</c>: these partitions.</summary>
    public IReadOnlyList<TopicPartition>? Partitions { get; init; }

    /// <summary><c>--execute</c>: commit the plan; otherwise a dry run (the default, as in Kafka's tool).</summary>
    public bool Execute { get; init; }
}

/// <summary>One row of a reset plan.</summary>
/// <param name="Partition">The partition.</param>
/// <param name="CurrentOffset">The committed offset before the reset, if any.</param>
/// <param name="NewOffset">The offset the reset commits.</param>
public sealed record OffsetResetRow(TopicPartition Partition, long? CurrentOffset, long NewOffset);
