namespace Samsa.Broker.Mini.Tests;

public sealed class InitProducerIdHandlerTests
{
    [Fact]
    public async Task Handle_Idempotent_AllocatesDistinctIdsAndBumpsEpoch()
    {
        await using var cluster = await MiniCluster.StartAsync();
        await using var client = TestClient.Connect(cluster);
        var a = await client.SendAsync(new InitProducerIdRequest { TransactionalId = null }, 4);
        var b = await client.SendAsync(new InitProducerIdRequest { TransactionalId = null }, 4);
        Assert.NotEqual(a.ProducerId, b.ProducerId);
        var bump = await client.SendAsync(new InitProducerIdRequest { TransactionalId = null, ProducerId = a.ProducerId, ProducerEpoch = 0 }, 4);
        Assert.Equal((a.ProducerId, (short)1), (bump.ProducerId, bump.ProducerEpoch));
    }
}
