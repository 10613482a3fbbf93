using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// InitProducerId (22). Idempotent producers (null transactional id) get a new producer id at epoch 0, or (v3+,
/// KIP-360) an epoch bump for the producer id and epoch they present. Transactional ids go to the transaction
/// coordinator (<see cref="Coordinators.TransactionCoordinator.InitProducerId"/>): new id or epoch bump, fencing of
/// the previous epoch, INVALID_TRANSACTION_TIMEOUT above <c>transaction.max.timeout.ms</c>. PRODUCER_FENCED is
/// reported as INVALID_PRODUCER_EPOCH below v4, as Kafka does.
/// </summary>
internal sealed class InitProducerIdHandler : CoordinatorWriteHandler<InitProducerIdRequest>
{
    public override ApiKey Key => ApiKey.InitProducerId;

    protected override int WriteTimeoutMs(Cluster.ClusterState cluster) => cluster.TransactionWriteTimeoutMs;

    protected override void ApplyWriteError(IKafkaApiMessage response, ErrorCode error)
    {
        var r = (InitProducerIdResponse)response;
        if (r.ErrorCode != 0) return;
        r.ErrorCode = (short)error;
        r.ProducerId = -1;
        r.ProducerEpoch = -1;
    }

    protected override IKafkaApiMessage? Handle(RequestContext context, InitProducerIdRequest request)
    {
        var cluster = context.Cluster;
        lock (cluster.Sync)
        {
            if (request.TransactionalId is { } transactionalId)
            {
                var coordinator = cluster.TransactionCoordinator;
                var error = coordinator.CheckCoordinator(transactionalId, context.Broker.Id);
                long producerId = -1;
                short epoch = -1;
                if (error == ErrorCode.None)
                    (error, producerId, epoch) = coordinator.InitProducerId(transactionalId, request.TransactionTimeoutMs, request.ProducerId, request.ProducerEpoch);
                if (error == ErrorCode.ProducerFenced && context.Version < 4) error = ErrorCode.InvalidProducerEpoch;
                return new InitProducerIdResponse { ErrorCode = (short)error, ProducerId = producerId, ProducerEpoch = epoch };
            }
            if (request.ProducerId >= 0 && request.ProducerEpoch >= 0)
            {
                if (request.ProducerEpoch < short.MaxValue - 1)
                    return new InitProducerIdResponse { ProducerId = request.ProducerId, ProducerEpoch = (short)(request.ProducerEpoch + 1) };
            }
            return new InitProducerIdResponse { ProducerId = cluster.AllocateProducerId(), ProducerEpoch = 0 };
        }
    }
}
