using System.IO.Pipelines;
using Samsa.Client.Cluster;
using Samsa.Client.Connections;
using Samsa.Client.Tests.Support;
using Samsa.Protocol;

namespace Samsa.Client.Tests;

/// <summary>
/// Kafka's exponential backoff with ±20% jitter: the formula with fixed random draws, then reconnect.backoff.ms and
/// retry.backoff.ms (KIP-580) as the cluster applies them, measured on a manual clock.
/// </summary>
public class BackoffTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(1, 0.5, 50)]
    [InlineData(2, 0.5, 100)]
    [InlineData(3, 0.5, 200)]
    [InlineData(5, 0.5, 800)]
    [InlineData(6, 0.5, 1000)]
    [InlineData(40, 0.5, 1000)]
    [InlineData(1, 0.0, 40)]
    [InlineData(1, 1.0, 60)]
    [InlineData(3, 0.0, 160)]
    [InlineData(3, 1.0, 240)]
    [InlineData(5, 1.0, 960)]
    [InlineData(6, 0.0, 800)]
    [InlineData(6, 1.0, 1000)]
    public void Compute_FixedRandom_IsBaseTimesTwoToTheFailuresCappedWithJitter(int failures, double random, double expectedMs)
    {
        var backoff = Backoff.Compute(baseMs: 50, maxMs: 1000, failures, random);
        Assert.Equal(expectedMs, backoff.TotalMilliseconds, precision: 6);
    }

    [Fact]
    public void Compute_NoFailuresOrZeroBase_IsZero()
    {
        Assert.Equal(TimeSpan.Zero, Backoff.Compute(50, 1000, 0, 0.5));
        Assert.Equal(TimeSpan.Zero, Backoff.Compute(0, 1000, 3, 0.5));
    }

    [Fact]
    public void Compute_SeededRandom_StaysWithinJitterBoundsAndNeverExceedsMax()
    {
        var random = new Random(1234);
        for (int failures = 1; failures <= 12; failures++)
        {
            for (int i = 0; i < 200; i++)
            {
                var (low, high) = Bounds(100, 1000, failures);
                double ms = Backoff.Compute(100, 1000, failures, random.NextDouble()).TotalMilliseconds;
                Assert.InRange(ms, low, high);
            }
        }
    }

    [Fact]
    public async Task GetAnyConnectionAsync_BrokerKeepsRefusing_ReconnectWaitsGrowExponentiallyUpToMax()
    {
        var time = new FakeTimeProvider();
        int attempts = 0;
        var transport = new InMemoryTransport((CancellationToken _) =>
        {
            Interlocked.Increment(ref attempts);
            return ValueTask.FromException<IDuplexPipe>(new IOException("connection refused"));
        });
        var options = QuietOptions();
        options.ReconnectBackoffMs = 50;
        options.ReconnectBackoffMaxMs = 1000;
        await using var cluster = new KafkaCluster(options, timeProvider: time, transport: transport);

        await Assert.ThrowsAsync<KafkaConnectionException>(() => cluster.GetAnyConnectionAsync().AsTask().WaitAsync(HangGuard));
        Assert.Equal(1, attempts);
        for (int failures = 1; failures <= 7; failures++)
        {
            var next = cluster.GetAnyConnectionAsync().AsTask();
            // The next attempt waits on the clock; nothing else can start it.
            var wait = await NextTimerAsync(time, TimeSpan.FromSeconds(5));
            var (low, high) = Bounds(50, 1000, failures);
            Assert.InRange(wait.TotalMilliseconds, low, high);
            Assert.Equal(failures, attempts);
            Assert.False(next.IsCompleted);

            time.Advance(wait - TimeSpan.FromTicks(1));
            Assert.Equal(failures, attempts);
            time.Advance(TimeSpan.FromTicks(1));
            await Assert.ThrowsAsync<KafkaConnectionException>(() => next.WaitAsync(HangGuard));
            Assert.Equal(failures + 1, attempts);
        }
    }

    [Fact]
    public async Task RetryAsync_RetriableFailures_WaitRetryBackoffGrowingToMaxThenSucceeds()
    {
        var time = new FakeTimeProvider();
        var options = QuietOptions();
        options.RetryBackoffMs = 100;
        options.RetryBackoffMaxMs = 1000;
        await using var cluster = new KafkaCluster(options, timeProvider: time, transport: new ScriptedServer().Transport);
        var attemptTimes = new List<long>();

        var result = cluster.RetryAsync(_ =>
        {
            lock (attemptTimes)
            {
                attemptTimes.Add(time.GetTimestamp());
                if (attemptTimes.Count <= 6) return ValueTask.FromException<int>(new KafkaException(ErrorCode.CoordinatorLoadInProgress));
            }
            return ValueTask.FromResult(42);
        }).AsTask();
        for (int failures = 1; failures <= 6; failures++)
        {
            var wait = await NextTimerAsync(time, TimeSpan.FromSeconds(5));
            var (low, high) = Bounds(100, 1000, failures);
            Assert.InRange(wait.TotalMilliseconds, low, high);
            lock (attemptTimes) Assert.Equal(failures, attemptTimes.Count);
            time.Advance(wait);
            await WaitUntilAsync(() =>
            {
                lock (attemptTimes) return attemptTimes.Count == failures + 1;
            });
        }

        Assert.Equal(42, await result.WaitAsync(HangGuard));
        lock (attemptTimes)
        {
            for (int i = 1; i < attemptTimes.Count; i++)
            {
                var (low, high) = Bounds(100, 1000, i);
                Assert.InRange(time.GetElapsedTime(attemptTimes[i - 1], attemptTimes[i]).TotalMilliseconds, low, high);
            }
        }
    }

    [Fact]
    public async Task RetryAsync_NextBackoffWouldPassDefaultApiTimeout_ThrowsTimeoutWithLastError()
    {
        var time = new FakeTimeProvider();
        var options = QuietOptions();
        options.RetryBackoffMs = 100;
        options.RetryBackoffMaxMs = 100;
        options.DefaultApiTimeoutMs = 250;
        await using var cluster = new KafkaCluster(options, timeProvider: time, transport: new ScriptedServer().Transport);
        int attempts = 0;

        var result = cluster.RetryAsync<int>(_ =>
        {
            Interlocked.Increment(ref attempts);
            return ValueTask.FromException<int>(new KafkaException(ErrorCode.CoordinatorLoadInProgress));
        }).AsTask();
        while (!result.IsCompleted)
        {
            if ((await NextTimerAsync(time, TimeSpan.FromSeconds(1), result)) is { } wait) time.Advance(wait);
        }

        var e = await Assert.ThrowsAsync<KafkaTimeoutException>(() => result);
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, e.ErrorCode);
        Assert.IsType<KafkaException>(e.InnerException);
        Assert.InRange(attempts, 3, 4); // 80–120 ms apart, giving up once the next wait would pass 250 ms
    }

    [Fact]
    public async Task RetryAsync_NonRetriableFailure_SurfacesWithoutWaiting()
    {
        var time = new FakeTimeProvider();
        await using var cluster = new KafkaCluster(QuietOptions(), timeProvider: time, transport: new ScriptedServer().Transport);
        int attempts = 0;

        var e = await Assert.ThrowsAsync<KafkaAuthorizationException>(() => cluster.RetryAsync<int>(_ =>
        {
            attempts++;
            throw KafkaException.FromErrorCode(ErrorCode.GroupAuthorizationFailed);
        }).AsTask().WaitAsync(HangGuard));

        Assert.Equal(ErrorCode.GroupAuthorizationFailed, e.ErrorCode);
        Assert.Equal(1, attempts);
    }

    /// <summary>Options whose background tick (10 s) stays clear of the waits under test.</summary>
    internal static KafkaClientOptions QuietOptions() => new()
    {
        BootstrapServers = "broker:9092",
        MetadataMaxAgeMs = 3_600_000,
        ConnectionsMaxIdleMs = 3_600_000,
    };

    private static (double Low, double High) Bounds(double baseMs, double maxMs, int failures)
    {
        double term = Math.Min(baseMs * Math.Pow(2, failures - 1), maxMs);
        return (term * (1 - Backoff.Jitter) - 1e-6, Math.Min(term * (1 + Backoff.Jitter), maxMs) + 1e-6);
    }

    /// <summary>Waits (hang-guarded) until a timer shorter than <paramref name="below"/> is armed and returns how far ahead it is due.</summary>
    private static async Task<TimeSpan> NextTimerAsync(FakeTimeProvider time, TimeSpan below) =>
        (await NextTimerAsync(time, below, null))!.Value;

    private static async Task<TimeSpan?> NextTimerAsync(FakeTimeProvider time, TimeSpan below, Task? orUntil)
    {
        var guard = Task.Delay(HangGuard);
        while (true)
        {
            var pending = time.PendingTimers();
            if (pending.Length > 0 && pending[0] < below) return pending[0];
            if (orUntil is { IsCompleted: true }) return null;
            if (guard.IsCompleted) throw new TimeoutException("No timer was armed.");
            await Task.Delay(1);
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var guard = Task.Delay(HangGuard);
        while (!condition())
        {
            if (guard.IsCompleted) throw new TimeoutException("Condition never became true.");
            await Task.Delay(1);
        }
    }
}
