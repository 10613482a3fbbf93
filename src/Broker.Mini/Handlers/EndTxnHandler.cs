using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// EndTxn (26), v0-4: commits or aborts the producer's transaction; COMMIT/ABORT markers reach every partition in it
/// before the response. v5 (transactions v2, KIP-890) is not advertised, so clients stay on the v1 protocol.
/// PRODUCER_FENCED is INVALID_PRODUCER_EPOCH below v2.
/// </summary>
internal sealed class EndTxnHandler : CoordinatorWriteHandler<EndTxnRequest>
{
    public override ApiKey Key => ApiKey.EndTxn;

    protected override int WriteTimeoutMs(Cluster.ClusterState cluster) => cluster.TransactionWriteTimeoutMs;

    protected override void ApplyWriteError(IKafkaApiMessage response, ErrorCode error)
    {
        var r = (EndTxnResponse)response;
        r.ErrorCode = Replace(r.ErrorCode, error);
    }

    public override short MaxVersion => 4;

    protected override IKafkaApiMessage? Handle(RequestContext context, EndTxnRequest request)
    {
        ErrorCode error;
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.TransactionCoordinator;
            error = coordinator.CheckCoordinator(request.TransactionalId, context.Broker.Id);
            if (error == ErrorCode.None)
                error = coordinator.EndTransaction(request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.Committed);
        }
        if (error == ErrorCode.ProducerFenced && context.Version < 2) error = ErrorCode.InvalidProducerEpoch;
        return new EndTxnResponse { ErrorCode = (short)error };
    }
}
