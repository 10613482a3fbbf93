using System.Text;
using Samsa.Broker.Mini;
using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Producer.Tests;

/// <summary>
/// <c>max.in.flight.requests.per.connection=1</c> keeps per-partition order through retries even without idempotence:
/// a partition's next batch never overtakes a failed batch on its way back to the front of the queue.
/// </summary>
public sealed class InFlightOrderTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    /// <summary>
    /// One request carries p0's record and p1's first record. The broker accepts p0 and fails p1 with a retriable error.
    /// p0's delivery callback (run while the response is settled) holds the response thread while p1's second record is
    /// produced. The second record must not be sent until the failed first one is queued again ahead of it.
    /// </summary>
    [Fact]
    public async Task OneInFlight_RetriedBatchIsNotOvertakenWhileTheResponseIsSettled()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("order", partitions: 2);
        int produceRequests = 0;
        var secondRequest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var inject = cluster.Intercept(ApiKey.Produce, null, (request, _) =>
        {
            int n = Interlocked.Increment(ref produceRequests);
            if (n == 2) secondRequest.TrySetResult();
            if (n != 1) return ValueTask.FromResult(InterceptResult.Continue);
            var produce = (ProduceRequest)request.Body;
            var response = new ProduceResponse();
            foreach (var topic in produce.TopicData)
            {
                var t = new ProduceResponse.TopicProduceResponse { Name = topic.Name };
                foreach (var p in topic.PartitionData)
                {
                    short code = p.Index == 1 ? (short)ErrorCode.NotLeaderOrFollower : (short)0;
                    t.PartitionResponses.Add(new() { Index = p.Index, ErrorCode = code, BaseOffset = code == 0 ? 0 : -1 });
                }
                response.Responses.Add(t);
            }
            return ValueTask.FromResult(InterceptResult.Respond(response));
        });
        await using var producer = KafkaProducerTests.Build(cluster.BootstrapServers, o =>
        {
            o.EnableIdempotence = false;
            o.MaxInFlightRequestsPerConnection = 1;
            o.LingerMs = 200; // p0 and p1's first records share the first request
            o.RetryBackoffMs = 1;
        });
        var release = new TaskCompletionSource();
        var p0Delivered = new TaskCompletionSource();
        producer.Produce(new TopicPartition("order", 0), new Message<string?, string?> { Key = "a", Value = "p0" }, _ =>
        {
            p0Delivered.TrySetResult();
            release.Task.Wait(HangGuard); // the response thread is held here, before p1's batch is settled
        });
        var first = producer.ProduceAsync(new TopicPartition("order", 1), new Message<string?, string?> { Key = "b", Value = "1" });
        await p0Delivered.Task.WaitAsync(HangGuard);
        var second = producer.ProduceAsync(new TopicPartition("order", 1), new Message<string?, string?> { Key = "b", Value = "2" });
        // Give a wrongly freed connection every chance to carry the second record now.
        bool overtaken = await Task.WhenAny(secondRequest.Task, Task.Delay(1000)) == secondRequest.Task;
        release.SetResult();
        await Task.WhenAll(first, second).WaitAsync(HangGuard);
        Assert.False(overtaken, "a Produce request was sent while the failed batch was still being settled");
        var read = (await TopicReader.ReadAllAsync(cluster.BootstrapServers, "order")).Where(r => r.Partition == 1).OrderBy(r => r.Offset);
        Assert.Equal(["1", "2"], read.Select(r => Encoding.UTF8.GetString(r.Value!)));
        Assert.True((await first).Offset < (await second).Offset);
    }
}
