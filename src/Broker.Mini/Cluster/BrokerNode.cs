using Samsa.Broker.Mini.Handlers;
using Samsa.Broker.Mini.Transport;

namespace Samsa.Broker.Mini.Cluster;

/// <summary>One broker of the in-process cluster: identity, endpoint, liveness, listener and fetch sessions.</summary>
internal sealed class BrokerNode(int id, string host, int port)
{
    public int Id { get; } = id;

    public string Host { get; } = host;

    /// <summary>The bound port (the requested port, or the ephemeral one the OS chose).</summary>
    public int Port { get; set; } = port;

    public bool IsAlive { get; set; }

    public string? Rack { get; init; }

    /// <summary>Test hook: while set, this broker's follower replicas copy nothing (they fall behind and leave ISRs).</summary>
    public bool ReplicationPaused { get; set; }

    /// <summary>The follower catch-up task, while the broker is up.</summary>
    public ReplicaFetcher? Fetcher { get; set; }

    public SocketListener? Listener { get; set; }

    /// <summary>Live connections (socket and in-memory), closed when the broker stops.</summary>
    public ConnectionSet Connections { get; } = new();

    public FetchSessionCache Sessions { get; } = new();

    public string Endpoint => $"{Host}:{Port}";
}
