using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// AddOffsetsToTxn (25): adds the group's <c>__consumer_offsets</c> partition to the producer's transaction, so the
/// transaction's marker reaches the offsets committed by TxnOffsetCommit. PRODUCER_FENCED is INVALID_PRODUCER_EPOCH below v2.
/// </summary>
internal sealed class AddOffsetsToTxnHandler : CoordinatorWriteHandler<AddOffsetsToTxnRequest>
{
    public override ApiKey Key => ApiKey.AddOffsetsToTxn;

    protected override int WriteTimeoutMs(Cluster.ClusterState cluster) => cluster.TransactionWriteTimeoutMs;

    protected override void ApplyWriteError(IKafkaApiMessage response, ErrorCode error)
    {
        var r = (AddOffsetsToTxnResponse)response;
        r.ErrorCode = Replace(r.ErrorCode, error);
    }

    protected override IKafkaApiMessage? Handle(RequestContext context, AddOffsetsToTxnRequest request)
    {
        ErrorCode error;
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.TransactionCoordinator;
            error = coordinator.CheckCoordinator(request.TransactionalId, context.Broker.Id);
            if (error == ErrorCode.None && string.IsNullOrEmpty(request.GroupId)) error = ErrorCode.InvalidGroupId;
            if (error == ErrorCode.None)
            {
                var offsets = context.Cluster.GroupCoordinator.PartitionOf(request.GroupId);
                error = coordinator.AddPartitions(request.TransactionalId, request.ProducerId, request.ProducerEpoch, [(offsets.Topic.Name, offsets.Index)]);
            }
        }
        if (error == ErrorCode.ProducerFenced && context.Version < 2) error = ErrorCode.InvalidProducerEpoch;
        return new AddOffsetsToTxnResponse { ErrorCode = (short)error };
    }
}
