using Samsa.Broker.Mini.Coordinators;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// TxnOffsetCommit (28), v0-4: sent to the group coordinator. The transaction must be ongoing with the group's
/// offsets partition in it (AddOffsetsToTxn first, else INVALID_TXN_STATE); the member is validated when a
/// generation is given (v3+). The offsets stay pending until EndTxn. PRODUCER_FENCED is INVALID_PRODUCER_EPOCH below v3.
/// </summary>
internal sealed class TxnOffsetCommitHandler : CoordinatorWriteHandler<TxnOffsetCommitRequest>
{
    public override ApiKey Key => ApiKey.TxnOffsetCommit;

    protected override void ApplyWriteError(IKafkaApiMessage response, ErrorCode error)
    {
        var r = (TxnOffsetCommitResponse)response;
        foreach (var p in r.Topics.SelectMany(t => t.Partitions)) p.ErrorCode = Replace(p.ErrorCode, error);
    }

    protected override IKafkaApiMessage? Handle(RequestContext context, TxnOffsetCommitRequest request)
    {
        var items = request.Topics.SelectMany(t => t.Partitions.Select(p => new OffsetCommitItem(
            t.Name, p.PartitionIndex, p.CommittedOffset, context.Version >= 2 ? p.CommittedLeaderEpoch : -1, p.CommittedMetadata))).ToList();
        List<ErrorCode> errors;
        lock (context.Cluster.Sync)
        {
            var groups = context.Cluster.GroupCoordinator;
            var error = groups.CheckCoordinator(request.GroupId, context.Broker.Id);
            if (error == ErrorCode.None) error = VerifyTransaction(context, request);
            errors = [];
            if (error == ErrorCode.None)
            {
                int generation = context.Version >= 3 ? request.GenerationId : -1;
                (error, errors) = groups.CommitTxnOffsets(request.GroupId, request.ProducerId, request.ProducerEpoch, generation,
                    request.MemberId, context.Version >= 3 ? request.GroupInstanceId : null, items);
            }
            if (error == ErrorCode.ProducerFenced && context.Version < 3) error = ErrorCode.InvalidProducerEpoch;
            if (error != ErrorCode.None) errors = items.Select(_ => error).ToList();
        }
        var response = new TxnOffsetCommitResponse();
        int i = 0;
        foreach (var topic in request.Topics)
        {
            var t = new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic { Name = topic.Name };
            foreach (var p in topic.Partitions)
                t.Partitions.Add(new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition { PartitionIndex = p.PartitionIndex, ErrorCode = (short)errors[i++] });
            response.Topics.Add(t);
        }
        return response;
    }

    private static ErrorCode VerifyTransaction(RequestContext context, TxnOffsetCommitRequest request)
    {
        var (error, txn) = context.Cluster.TransactionCoordinator.Validate(request.TransactionalId, request.ProducerId, request.ProducerEpoch);
        if (error != ErrorCode.None) return error;
        var offsets = context.Cluster.GroupCoordinator.PartitionOf(request.GroupId);
        return txn!.State == TxnState.Ongoing && txn.Partitions.Contains((offsets.Topic.Name, offsets.Index)) ? ErrorCode.None : ErrorCode.InvalidTxnState;
    }
}
