using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>Everything a handler knows about the request it is answering.</summary>
internal sealed record RequestContext(ClusterState Cluster, BrokerNode Broker, RequestHeader Header, short Version, long ConnectionId);

/// <summary>Handles one API key. Handlers do state work under <see cref="ClusterState.Sync"/> and never await inside it.</summary>
internal interface IRequestHandler
{
    ApiKey Key { get; }

    /// <summary>Lowest version the broker advertises.</summary>
    short MinVersion { get; }

    /// <summary>Highest version the broker advertises.</summary>
    short MaxVersion { get; }

    /// <summary>Returns the response, or null when none is sent (Produce with acks=0).</summary>
    ValueTask<IKafkaApiMessage?> HandleAsync(RequestContext context, IKafkaApiMessage request, CancellationToken cancellationToken);
}

/// <summary>A handler whose request type is fixed, with versions defaulting to the spec's full range.</summary>
internal abstract class RequestHandler<TRequest> : IRequestHandler where TRequest : IKafkaApiMessage
{
    public abstract ApiKey Key { get; }

    public virtual short MinVersion => ApiKeys.Get(Key).LowestVersion;

    public virtual short MaxVersion => ApiKeys.Get(Key).HighestStableVersion;

    public ValueTask<IKafkaApiMessage?> HandleAsync(RequestContext context, IKafkaApiMessage request, CancellationToken cancellationToken) =>
        HandleAsync(context, (TRequest)request, cancellationToken);

    protected virtual ValueTask<IKafkaApiMessage?> HandleAsync(RequestContext context, TRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IKafkaApiMessage?>(Handle(context, request));

    /// <summary>Synchronous handlers override this; it runs outside the lock, so take <see cref="ClusterState.Sync"/> inside.</summary>
    protected virtual IKafkaApiMessage? Handle(RequestContext context, TRequest request) =>
        throw new InvalidOperationException($"{GetType().Name} overrides neither Handle nor HandleAsync.");
}
