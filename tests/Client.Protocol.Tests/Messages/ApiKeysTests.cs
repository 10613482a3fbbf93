using Samsa.Protocol;

namespace Samsa.Protocol.Tests.Messages;

public class ApiKeysTests
{
    [Fact]
    public void RequestHeaderVersion_FlexibleAndClassic_MatchKafkaRules()
    {
        Assert.Equal(1, ApiKeys.RequestHeaderVersion(ApiKey.Produce, 8));
        Assert.Equal(2, ApiKeys.RequestHeaderVersion(ApiKey.Produce, 9));
        Assert.Equal(0, ApiKeys.RequestHeaderVersion(ApiKey.ControlledShutdown, 0));
    }

    [Fact]
    public void ResponseHeaderVersion_ApiVersionsAlwaysZero()
    {
        Assert.Equal(0, ApiKeys.ResponseHeaderVersion(ApiKey.ApiVersions, 3));
        Assert.Equal(1, ApiKeys.ResponseHeaderVersion(ApiKey.Metadata, 9));
        Assert.Equal(0, ApiKeys.ResponseHeaderVersion(ApiKey.Metadata, 8));
    }

    [Fact]
    public void All_HasEveryRequestSpec_WithFactories()
    {
        var all = ApiKeys.All.ToList();
        Assert.Equal(88, all.Count);
        foreach (var info in all)
        {
            Assert.Equal(info.Key, ApiKeys.CreateRequest(info.Key).ApiKey);
            Assert.Equal(info.Key, ApiKeys.CreateResponse(info.Key).ApiKey);
            // An API whose only version is unstable has no stable version (HighestStableVersion = LowestVersion - 1).
            Assert.True(info.HighestStableVersion >= info.LowestVersion - 1);
        }
    }

    [Fact]
    public void ErrorCodes_RetriableAndNames_MatchKafka()
    {
        Assert.True(ErrorCode.NotLeaderOrFollower.IsRetriable());
        Assert.False(ErrorCode.TopicAlreadyExists.IsRetriable());
        Assert.Equal("NOT_LEADER_OR_FOLLOWER", ErrorCode.NotLeaderOrFollower.KafkaName());
        Assert.Equal((short)6, (short)ErrorCode.NotLeaderOrFollower);
        Assert.Equal("UNKNOWN_CODE_999", ((ErrorCode)999).KafkaName());
    }
}
