using System.Diagnostics;
using Samsa.Broker.Mini;
using Samsa.Client;
using Samsa.Producer.Internal;
using Samsa.Protocol;

namespace Samsa.Producer.Tests;

public sealed class BackpressureTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Produce_BrokerParked_BlocksThenTimesOutAndNeverExceedsBufferMemory()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("park", partitions: 2);
        const long bufferMemory = 64 * 1024;
        await using var producer = KafkaProducerTests.Build(cluster.BootstrapServers, o =>
        {
            o.BufferMemory = bufferMemory;
            o.BatchSize = 4096;
            o.LingerMs = 0;
            o.MaxBlockMs = 1000;
            o.RequestTimeoutMs = 60_000;
            o.DeliveryTimeoutMs = 120_000;
        });
        // One delivered record first, so that metadata and the connection are in place: max.block.ms also bounds the
        // metadata wait, and on a loaded machine the first lookup alone can take longer than the 1 s used here, so the
        // warm-up retries until the topic is known.
        for (var guard = Stopwatch.StartNew(); ;)
        {
            try
            {
                await producer.ProduceAsync("park", new Message<string?, string?> { Key = "warm-up", Value = "warm-up" }).WaitAsync(HangGuard);
                break;
            }
            catch (KafkaTimeoutException) when (guard.Elapsed < HangGuard)
            {
            }
        }
        var release = new TaskCompletionSource();
        using var park = cluster.Intercept(ApiKey.Produce, null, async (request, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return InterceptResult.Continue;
        });
        int delivered = 0, failed = 0;
        int appended = 0;
        var watch = new Stopwatch();
        KafkaTimeoutException? timeout = null;
        for (int i = 0; i < 10_000; i++)
        {
            long available = producer.BufferAvailableBytes;
            Assert.InRange(available, 0, bufferMemory);
            watch.Restart();
            try
            {
                producer.Produce("park", new Message<string?, string?> { Key = (i % 7).ToString(), Value = new string('v', 200) }, r =>
                {
                    if (r.IsError) Interlocked.Increment(ref failed);
                    else Interlocked.Increment(ref delivered);
                });
                appended++;
            }
            catch (KafkaTimeoutException e)
            {
                timeout = e;
                break;
            }
        }
        Assert.NotNull(timeout);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(500), $"Produce gave up after {watch.Elapsed.TotalMilliseconds} ms, before max.block.ms");
        Assert.InRange(appended, 1, (int)(bufferMemory / 200));
        Assert.InRange(producer.BufferAvailableBytes, 0, bufferMemory);

        // The async path waits too and fails the same way, without throwing synchronously. The record is larger than
        // batch.size, so it needs a batch of its own: a small one could still fit into the other partition's open batch.
        Assert.True(producer.BufferAvailableBytes < 8000);
        var pending = producer.ProduceAsync("park", new Message<string?, string?> { Key = "a", Value = new string('v', 8000) });
        await Assert.ThrowsAsync<KafkaTimeoutException>(() => pending.WaitAsync(HangGuard));

        release.TrySetResult();
        Assert.Equal(0, producer.Flush(HangGuard));
        Assert.Equal(appended, delivered);
        Assert.Equal(0, failed);
        Assert.Equal(bufferMemory, producer.BufferAvailableBytes);
    }

    [Fact]
    public async Task BufferPool_WaitersAreServedInOrderAndTimeOut()
    {
        var pool = new BufferPool(100, TimeProvider.System);
        Assert.True(pool.TryReserve(80));
        var first = pool.ReserveAsync(50, TimeSpan.FromSeconds(30), CancellationToken.None).AsTask();
        var second = pool.ReserveAsync(10, TimeSpan.FromSeconds(30), CancellationToken.None).AsTask();
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted); // fits, but waits behind the first (FIFO, as Java's BufferPool)
        Assert.False(pool.TryReserve(10));
        pool.Release(80);
        await first.WaitAsync(HangGuard);
        await second.WaitAsync(HangGuard);
        Assert.Equal(40, pool.AvailableBytes);
        await Assert.ThrowsAsync<KafkaTimeoutException>(() => pool.ReserveAsync(90, TimeSpan.FromMilliseconds(50), CancellationToken.None).AsTask());
        Assert.Throws<KafkaTimeoutException>(() => pool.Reserve(90, TimeSpan.FromMilliseconds(50)));
        Assert.Equal(40, pool.AvailableBytes);
        Assert.Throws<KafkaException>(() => pool.Reserve(101, TimeSpan.Zero));
    }
}
