using Samsa.Broker.Mini;
using Samsa.SchemaRegistry.Client;

namespace Samsa.SchemaRegistry.Tests.MiniRegistry;

/// <summary>A one-broker mini cluster with its schema registry, our client and a raw HttpClient on it.</summary>
internal sealed class MiniRegistryHost : IAsyncDisposable
{
    private MiniRegistryHost(MiniCluster cluster)
    {
        Cluster = cluster;
        Url = cluster.SchemaRegistryUrl!;
        Client = new SchemaRegistryClient(new SchemaRegistryOptions { Urls = [Url], MaxRetries = 0 });
        Http = new HttpClient { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public MiniCluster Cluster { get; }

    public string Url { get; }

    public SchemaRegistryClient Client { get; }

    public HttpClient Http { get; }

    public static async Task<MiniRegistryHost> StartAsync(string? dataDirectory = null) =>
        new(await MiniCluster.StartAsync(new MiniClusterOptions
        {
            SchemaRegistry = true,
            DataDirectory = dataDirectory,
            BrokerConfigs = { ["group.initial.rebalance.delay.ms"] = "0", ["offsets.topic.num.partitions"] = "1" },
        }));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        await Cluster.DisposeAsync();
    }
}

/// <summary>Schemas used across the mini registry tests.</summary>
internal static class Schemas
{
    public static string Record(string name, params string[] fields) =>
        $$"""{"type":"record","name":"{{name}}","namespace":"samsa.test","fields":[{{string.Join(",", fields)}}]}""";

    public static string Field(string name, string type, string? defaultJson = null) =>
        defaultJson is null ? $$"""{"name":"{{name}}","type":{{type}}}""" : $$"""{"name":"{{name}}","type":{{type}},"default":{{defaultJson}}}""";

    public static readonly string UserV1 = Record("User", Field("id", "\"int\""));

    public static readonly string UserV2 = Record("User", Field("id", "\"int\""), Field("name", "\"string\"", "\"\""));

    public static SchemaString S(string text) => new(text);
}
