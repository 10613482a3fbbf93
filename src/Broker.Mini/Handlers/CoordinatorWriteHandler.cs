using Samsa.Broker.Mini.Cluster;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// A coordinator API whose state changes are records in <c>__consumer_offsets</c> or <c>__transaction_state</c>. As in
/// Kafka, where coordinators append with acks=all, the response is sent only once the high watermark covers every
/// record the request wrote; if the in-sync replicas do not catch up in time (<c>offsets.commit.timeout.ms</c> for
/// groups, <c>request.timeout.ms</c> for transactions) or leadership moves, the items the write covered fail with
/// COORDINATOR_NOT_AVAILABLE or NOT_COORDINATOR (Kafka's mapping of a failed coordinator append).
/// </summary>
internal abstract class CoordinatorWriteHandler<TRequest> : RequestHandler<TRequest> where TRequest : IKafkaApiMessage
{
    protected sealed override async ValueTask<IKafkaApiMessage?> HandleAsync(RequestContext context, TRequest request, CancellationToken cancellationToken)
    {
        IKafkaApiMessage response;
        List<CoordinatorWrite> writes;
        using (var scope = ClusterState.TrackCoordinatorWrites())
        {
            response = Handle(context, request)!;
            writes = scope.Writes;
        }
        var error = await context.Cluster.AwaitCoordinatorWritesAsync(writes, WriteTimeoutMs(context.Cluster), cancellationToken).ConfigureAwait(false);
        if (error != ErrorCode.None) ApplyWriteError(response, error);
        return response;
    }

    /// <summary>How long the writes may take to replicate.</summary>
    protected virtual int WriteTimeoutMs(ClusterState cluster) => cluster.GroupWriteTimeoutMs;

    /// <summary>Replaces the outcome of every item that succeeded (and so was written) with <paramref name="error"/>.</summary>
    protected abstract void ApplyWriteError(IKafkaApiMessage response, ErrorCode error);

    /// <summary>The code to report: <paramref name="error"/> where <paramref name="current"/> was a success.</summary>
    protected static short Replace(short current, ErrorCode error) => current == 0 ? (short)error : current;
}
