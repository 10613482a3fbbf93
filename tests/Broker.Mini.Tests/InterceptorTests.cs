namespace Samsa.Broker.Mini.Tests;

public sealed class InterceptorTests
{
    [Fact]
    public async Task Intercept_ParkThenRelease_DelaysOnlyThatRequest()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await cluster.CreateTopicAsync("t");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = cluster.Intercept(ApiKey.Produce, 0, async (request, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return InterceptResult.Continue;
        });
        await using var producer = TestClient.Connect(cluster);
        await using var other = TestClient.Connect(cluster);
        var parked = producer.SendAsync(TestClient.Produce("t", 0, TestClient.Batch(("k", "v"))), 9);
        Assert.Single((await other.SendAsync(new MetadataRequest { Topics = null }, 12)).Topics);
        Assert.False(parked.IsCompleted);
        gate.SetResult();
        Assert.Equal(0, (await parked.WaitAsync(TestClient.HangGuard)).Responses[0].PartitionResponses[0].ErrorCode);
    }

    [Fact]
    public async Task Intercept_RespondAndDrop_InjectErrorsAndDisconnects()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await using var client = TestClient.Connect(cluster);
        using (cluster.Intercept(ApiKey.Metadata, null, (request, ct) =>
            ValueTask.FromResult(InterceptResult.Respond(new MetadataResponse { Topics = { new() { Name = "x", ErrorCode = (short)ErrorCode.TopicAuthorizationFailed } } }))))
        {
            var r = await client.SendAsync(new MetadataRequest { Topics = null }, 12);
            Assert.Equal((short)ErrorCode.TopicAuthorizationFailed, r.Topics[0].ErrorCode);
        }
        using (cluster.Intercept(null, null, (request, ct) => ValueTask.FromResult(InterceptResult.DropConnection)))
        {
            await client.WriteAsync(new MetadataRequest { Topics = null }, 12);
            Assert.Null(await client.ReadFrameAsync());
        }
    }
}
