namespace Samsa.Streams.Testing;

/// <summary>A record piped into or read from a test topic (Kafka's <c>TestRecord</c>).</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
/// <param name="Timestamp">The timestamp in ms; null on input means the input topic's current time.</param>
/// <param name="Headers">Headers, or null.</param>
public sealed record TestRecord<TKey, TValue>(TKey Key, TValue Value, long? Timestamp = null, Headers? Headers = null);

/// <summary>A wall clock the test driver moves by hand.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(by), "Time cannot move backwards.");
        _now += by;
    }
}
