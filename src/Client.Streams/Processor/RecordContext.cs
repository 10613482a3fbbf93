namespace Samsa.Streams.Processor;

/// <summary>What a topic name extractor sees: the record's origin (null inside punctuations).</summary>
/// <param name="Topic">Input topic, or null.</param>
/// <param name="Partition">Input partition, or -1.</param>
/// <param name="Offset">Input offset, or -1.</param>
/// <param name="Timestamp">The record's timestamp.</param>
/// <param name="Headers">The record's headers.</param>
public readonly record struct RecordContext(string? Topic, int Partition, long Offset, long Timestamp, Headers? Headers);
