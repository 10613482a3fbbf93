namespace Samsa.Client.Cluster;

/// <summary>Kafka's exponential backoff: <c>base * 2^attempt</c>, capped, with ±20% jitter.</summary>
internal static class Backoff
{
    public const double Jitter = 0.2;

    /// <summary>The wait after <paramref name="failures"/> consecutive failures (1 = first failure waits about <paramref name="baseMs"/>).</summary>
    public static TimeSpan Compute(long baseMs, long maxMs, int failures, double? random = null)
    {
        if (failures <= 0 || baseMs <= 0) return TimeSpan.Zero;
        double term = baseMs * Math.Pow(2, Math.Min(failures - 1, 30));
        double capped = Math.Min(term, maxMs);
        double r = random ?? Random.Shared.NextDouble();
        double factor = 1 - Jitter + 2 * Jitter * r;
        return TimeSpan.FromMilliseconds(Math.Min(capped * factor, maxMs));
    }
}
