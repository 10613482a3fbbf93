using System.IO.Pipelines;

namespace Samsa.Client.Connections;

/// <summary>
/// Opens byte streams to brokers. The returned pipe is owned by the caller; when it also implements
/// <see cref="IAsyncDisposable"/> the connection disposes it on close.
/// </summary>
public interface IKafkaTransport
{
    /// <summary>Connects to <paramref name="address"/> and returns a duplex pipe carrying Kafka frames.</summary>
    ValueTask<IDuplexPipe> ConnectAsync(BrokerAddress address, CancellationToken cancellationToken);
}

/// <summary>
/// A transport that asks a factory for pipes, for in-process servers (such as Broker.Mini over
/// <see cref="Pipe"/> pairs) and tests. Needs no reference from the server to this assembly.
/// </summary>
public sealed class InMemoryTransport : IKafkaTransport
{
    private readonly Func<BrokerAddress, CancellationToken, ValueTask<IDuplexPipe>> _factory;

    /// <summary>Creates a transport whose every connection, whatever the address, comes from <paramref name="factory"/>.</summary>
    public InMemoryTransport(Func<CancellationToken, ValueTask<IDuplexPipe>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _factory = (_, ct) => factory(ct);
    }

    /// <summary>Creates a transport that picks the server by address (host and port).</summary>
    public InMemoryTransport(Func<string, int, CancellationToken, ValueTask<IDuplexPipe>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _factory = (address, ct) => factory(address.Host, address.Port, ct);
    }

    /// <inheritdoc />
    public ValueTask<IDuplexPipe> ConnectAsync(BrokerAddress address, CancellationToken cancellationToken) =>
        _factory(address, cancellationToken);
}
