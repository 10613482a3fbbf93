namespace Samsa.Broker.Mini.Tests.Coordinators;

public sealed class OffsetCommitHandlerTests
{
    [Fact]
    public async Task Commit_StandaloneThenFetch_RoundTripsOffsetEpochAndMetadata()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await cluster.CreateTopicAsync("t", 2);
        await using var c = TestClient.Connect(cluster);
        Assert.Equal(ErrorCode.None, await Raw.Commit(c, "g", "t", 1, 42, metadata: "meta"));
        var fetched = await Raw.Fetch(c, "g", "t", 1);
        Assert.Equal((42L, 3, "meta"), (fetched.CommittedOffset, fetched.CommittedLeaderEpoch, fetched.Metadata));
        Assert.Equal(-1, (await Raw.Fetch(c, "g", "t", 0)).CommittedOffset);
    }

    [Fact]
    public async Task Commit_MemberOfStableGroup_ChecksGenerationAndMember()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await cluster.CreateTopicAsync("t");
        await using var c = TestClient.Connect(cluster);
        var (member, generation) = await Raw.StableSingle(c, "g");
        Assert.Equal(ErrorCode.None, await Raw.Commit(c, "g", "t", 0, 5, generation, member));
        Assert.Equal(ErrorCode.IllegalGeneration, await Raw.Commit(c, "g", "t", 0, 6, generation + 1, member));
        Assert.Equal(ErrorCode.UnknownMemberId, await Raw.Commit(c, "g", "t", 0, 6, generation, "ghost"));
        Assert.Equal(ErrorCode.UnknownMemberId, await Raw.Commit(c, "g", "t", 0, 6));
        Assert.Equal(5, (await Raw.Fetch(c, "g", "t", 0)).CommittedOffset);
    }

    [Fact]
    public async Task Commit_UnknownTopicOrLargeMetadata_ReportsPerPartitionError()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options());
        await cluster.CreateTopicAsync("t");
        await using var c = TestClient.Connect(cluster);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, await Raw.Commit(c, "g", "missing", 0, 1));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, await Raw.Commit(c, "g", "t", 7, 1));
        Assert.Equal(ErrorCode.OffsetMetadataTooLarge, await Raw.Commit(c, "g", "t", 0, 1, metadata: new string('x', 4097)));
    }

    [Fact]
    public async Task Commit_ToNonCoordinator_ReturnsNotCoordinator()
    {
        await using var cluster = await MiniCluster.StartAsync(GroupKit.Options(brokers: 3));
        await cluster.CreateTopicAsync("t");
        await using var probe = TestClient.Connect(cluster);
        var find = await probe.SendAsync(new FindCoordinatorRequest { Key = "g" }, 3);
        int other = (find.NodeId + 1) % 3;
        await using var c = TestClient.Connect(cluster, other);
        Assert.Equal(ErrorCode.NotCoordinator, await Raw.Commit(c, "g", "t", 0, 1));
    }

    [Fact]
    public async Task Commit_ClusterRestartsOnDataDirectory_OffsetsAndGenerationSurvive()
    {
        string dir = Directory.CreateTempSubdirectory("samsa-coord-").FullName;
        try
        {
            int generation;
            await using (var cluster = await MiniCluster.StartAsync(GroupKit.Options(dataDirectory: dir)))
            {
                await cluster.CreateTopicAsync("t", 2);
                await using var c = TestClient.Connect(cluster);
                Assert.Equal(ErrorCode.None, await Raw.Commit(c, "standalone", "t", 1, 17, metadata: "m"));
                (string member, generation) = await Raw.StableSingle(c, "grp");
                Assert.Equal(ErrorCode.None, await Raw.Commit(c, "grp", "t", 0, 3, generation, member));
                Assert.Equal(ErrorCode.None, await Raw.Commit(c, "grp", "t", 0, 9, generation, member));
            }
            await using (var cluster = await MiniCluster.StartAsync(GroupKit.Options(dataDirectory: dir)))
            {
                await using var c = TestClient.Connect(cluster);
                var standalone = await Raw.Fetch(c, "standalone", "t", 1);
                Assert.Equal((17L, "m"), (standalone.CommittedOffset, standalone.Metadata));
                Assert.Equal(9, (await Raw.Fetch(c, "grp", "t", 0)).CommittedOffset);
                var rejoin = await Raw.JoinFully(c, "grp");
                Assert.Equal(generation + 1, rejoin.GenerationId);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
