using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// InitProducerId (22) for idempotent producers: a new producer id at epoch 0, or (v3+, KIP-360) an epoch bump for
/// the producer id and epoch the client presents. Transactional ids need the transaction coordinator, which is not
/// implemented, so they get COORDINATOR_NOT_AVAILABLE.
/// </summary>
internal sealed class InitProducerIdHandler : RequestHandler<InitProducerIdRequest>
{
    public override ApiKey Key => ApiKey.InitProducerId;

    protected override IKafkaApiMessage? Handle(RequestContext context, InitProducerIdRequest request)
    {
        var cluster = context.Cluster;
        if (request.TransactionalId is not null)
            return new InitProducerIdResponse { ErrorCode = (short)ErrorCode.CoordinatorNotAvailable, ProducerId = -1, ProducerEpoch = -1 };
        lock (cluster.Sync)
        {
            if (request.ProducerId >= 0 && request.ProducerEpoch >= 0)
            {
                if (request.ProducerEpoch < short.MaxValue - 1)
                    return new InitProducerIdResponse { ProducerId = request.ProducerId, ProducerEpoch = (short)(request.ProducerEpoch + 1) };
            }
            return new InitProducerIdResponse { ProducerId = cluster.AllocateProducerId(), ProducerEpoch = 0 };
        }
    }
}
