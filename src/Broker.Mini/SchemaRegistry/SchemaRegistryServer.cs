using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Mini.SchemaRegistry;

/// <summary>
/// The mini cluster's Confluent-compatible Schema Registry: an HTTP server over <see cref="RegistryRouter"/>, with
/// state in the cluster's compacted <c>_schemas</c> topic (replayed on start, so schemas survive a restart with a
/// data directory). Started by <see cref="MiniCluster"/> when <see cref="MiniClusterOptions.SchemaRegistry"/> is set.
/// </summary>
internal sealed class SchemaRegistryServer : IAsyncDisposable
{
    private readonly HttpServer _http;

    private SchemaRegistryServer(HttpServer http, string host)
    {
        _http = http;
        Url = $"http://{(host.Contains(':') ? $"[{host}]" : host)}:{http.Port}";
    }

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:8081</c>.</summary>
    public string Url { get; }

    /// <summary>Creates or recovers <c>_schemas</c>, rebuilds the state from it and starts listening.</summary>
    public static SchemaRegistryServer Start(MiniCluster cluster, MiniClusterOptions options, ILogger logger)
    {
        var topic = new SchemasTopic(cluster);
        topic.EnsureCreated();
        var store = new RegistryStore(topic, logger);
        store.Load();
        var router = new RegistryRouter(store, logger);
        var server = new SchemaRegistryServer(HttpServer.Start(options.Host, options.SchemaRegistryPort, router.Handle, logger), options.Host);
        RegistryLog.Listening(logger, server.Url);
        return server;
    }

    public ValueTask DisposeAsync() => _http.DisposeAsync();
}
