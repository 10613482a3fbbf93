namespace Samsa.Broker.Mini.Tests;

public sealed class FindCoordinatorHandlerTests
{
    [Fact]
    public async Task Handle_AnyKey_ReturnsCoordinatorNotAvailable()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await using var client = TestClient.Connect(cluster);
        Assert.Equal((short)ErrorCode.CoordinatorNotAvailable, (await client.SendAsync(new FindCoordinatorRequest { Key = "g" }, 2)).ErrorCode);
        var v4 = await client.SendAsync(new FindCoordinatorRequest { CoordinatorKeys = { "g" } }, 4);
        Assert.Equal((short)ErrorCode.CoordinatorNotAvailable, Assert.Single(v4.Coordinators).ErrorCode);
    }
}
