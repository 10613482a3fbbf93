using System.Collections.Concurrent;
using Samsa.Broker.Mini;

namespace Samsa.Admin.Tests;

public sealed class ConfigTests
{
    [Fact]
    public async Task DescribeConfigs_SynonymsSourcesAndDocumentation()
    {
        await using var cluster = await AdminKit.StartAsync(2);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.CreateTopicsAsync([new NewTopic("t", 1, 1) { Configs = new Dictionary<string, string?> { ["retention.ms"] = "1000" } }], cancellationToken: AdminKit.Token)).ThrowOnError();
        var results = await admin.DescribeConfigsAsync([ConfigResource.Topic("t"), ConfigResource.Broker(1), ConfigResource.Topic("missing")], true, true, AdminKit.Token);

        var topic = results[ConfigResource.Topic("t")].Value;
        var retention = topic["retention.ms"];
        Assert.Equal("1000", retention.Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, retention.Source);
        Assert.False(retention.IsDefault);
        Assert.Equal(ConfigSource.DynamicTopicConfig, retention.Synonyms[0].Source);
        Assert.Contains(retention.Synonyms, s => s.Source == ConfigSource.DefaultConfig);
        Assert.False(string.IsNullOrEmpty(retention.Documentation));
        Assert.True(topic["cleanup.policy"].IsDefault);
        Assert.Equal(ConfigType.Long, retention.Type);

        Assert.NotEmpty(results[ConfigResource.Broker(1)].Value);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, results[ConfigResource.Topic("missing")].Error!.Code);
    }

    [Fact]
    public async Task BrokerConfigs_RoutedToThatBroker()
    {
        await using var cluster = await AdminKit.StartAsync(3);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        var seen = new ConcurrentQueue<(ApiKey, int)>();
        using var _ = cluster.Intercept(null, null, (request, ct) =>
        {
            if (request.ApiKey is ApiKey.DescribeConfigs or ApiKey.IncrementalAlterConfigs or ApiKey.AlterConfigs) seen.Enqueue((request.ApiKey, request.BrokerId));
            return ValueTask.FromResult(InterceptResult.Continue);
        });
        var described = await admin.DescribeConfigsAsync([ConfigResource.Broker(2), ConfigResource.Broker(1)], cancellationToken: AdminKit.Token);
        Assert.True(described.AllSucceeded);
        var altered = await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, IReadOnlyList<AlterConfigOp>>
        {
            [ConfigResource.Broker(2)] = [AlterConfigOp.Set("log.retention.ms", "7200000")],
        }, cancellationToken: AdminKit.Token);
        Assert.True(altered.AllSucceeded, string.Join("; ", altered));
        Assert.Contains((ApiKey.DescribeConfigs, 2), seen);
        Assert.Contains((ApiKey.DescribeConfigs, 1), seen);
        Assert.Equal([2], seen.Where(s => s.Item1 == ApiKey.IncrementalAlterConfigs).Select(s => s.Item2));
        var after = (await admin.DescribeConfigsAsync([ConfigResource.Broker(2)], cancellationToken: AdminKit.Token)).At(0).Value["log.retention.ms"];
        Assert.Equal("7200000", after.Value);
        Assert.Equal(ConfigSource.DynamicBrokerConfig, after.Source);
    }

    [Fact]
    public async Task IncrementalAlterConfigs_SetDeleteAppendSubtract_PerResourceResults()
    {
        await using var cluster = await AdminKit.StartAsync(1);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.CreateTopicsAsync([new NewTopic("t", 1, 1) { Configs = new Dictionary<string, string?> { ["retention.ms"] = "1000" } }], cancellationToken: AdminKit.Token)).ThrowOnError();
        var t = ConfigResource.Topic("t");

        var results = await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, IReadOnlyList<AlterConfigOp>>
        {
            [t] = [AlterConfigOp.Set("segment.ms", "600000"), AlterConfigOp.Delete("retention.ms"), AlterConfigOp.Append("cleanup.policy", "compact")],
            [ConfigResource.Topic("missing")] = [AlterConfigOp.Set("segment.ms", "1")],
        }, cancellationToken: AdminKit.Token);
        Assert.True(results[t].IsSuccess, results[t].ToString());
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, results[ConfigResource.Topic("missing")].Error!.Code);
        var configs = (await admin.DescribeConfigsAsync([t], cancellationToken: AdminKit.Token))[t].Value;
        Assert.Equal("600000", configs["segment.ms"].Value);
        Assert.True(configs["retention.ms"].IsDefault);
        Assert.Equal("delete,compact", configs["cleanup.policy"].Value);

        (await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, IReadOnlyList<AlterConfigOp>> { [t] = [AlterConfigOp.Subtract("cleanup.policy", "delete")] },
            cancellationToken: AdminKit.Token)).ThrowOnError();
        Assert.Equal("compact", (await admin.DescribeConfigsAsync([t], cancellationToken: AdminKit.Token))[t].Value["cleanup.policy"].Value);

        var invalid = await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, IReadOnlyList<AlterConfigOp>> { [t] = [AlterConfigOp.Set("retention.ms", "soon")] },
            validateOnly: true, AdminKit.Token);
        Assert.Equal(ErrorCode.InvalidConfig, invalid[t].Error!.Code);
    }

    [Fact]
    public async Task AlterConfigs_ReplacesTopicConfig()
    {
        await using var cluster = await AdminKit.StartAsync(1);
        await using var admin = AdminKit.Admin(cluster.BootstrapServers);
        (await admin.CreateTopicsAsync([new NewTopic("t", 1, 1) { Configs = new Dictionary<string, string?> { ["retention.ms"] = "1000" } }], cancellationToken: AdminKit.Token)).ThrowOnError();
        var t = ConfigResource.Topic("t");
        var results = await admin.AlterConfigsAsync(new Dictionary<ConfigResource, IReadOnlyDictionary<string, string?>>
        {
            [t] = new Dictionary<string, string?> { ["segment.bytes"] = "1048576" },
        }, cancellationToken: AdminKit.Token);
        Assert.True(results[t].IsSuccess, results[t].ToString());
        var configs = (await admin.DescribeConfigsAsync([t], cancellationToken: AdminKit.Token))[t].Value;
        Assert.Equal("1048576", configs["segment.bytes"].Value);
        Assert.True(configs["retention.ms"].IsDefault);
    }
}
