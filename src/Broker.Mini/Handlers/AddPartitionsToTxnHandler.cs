using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// AddPartitionsToTxn (24), the client path v0-3: adds partitions to the producer's transaction (starting it).
/// Unknown partitions get UNKNOWN_TOPIC_OR_PARTITION and the rest OPERATION_NOT_ATTEMPTED, as in Kafka. v4+ (the
/// batched broker-to-broker verification of KIP-890) is not advertised: Broker.Mini verifies transactional produces
/// in process. PRODUCER_FENCED is INVALID_PRODUCER_EPOCH below v2.
/// </summary>
internal sealed class AddPartitionsToTxnHandler : CoordinatorWriteHandler<AddPartitionsToTxnRequest>
{
    public override ApiKey Key => ApiKey.AddPartitionsToTxn;

    protected override int WriteTimeoutMs(Cluster.ClusterState cluster) => cluster.TransactionWriteTimeoutMs;

    protected override void ApplyWriteError(IKafkaApiMessage response, ErrorCode error)
    {
        var r = (AddPartitionsToTxnResponse)response;
        foreach (var p in r.ResultsByTopicV3AndBelow.SelectMany(t => t.ResultsByPartition)) p.PartitionErrorCode = Replace(p.PartitionErrorCode, error);
    }

    public override short MaxVersion => 3;

    protected override IKafkaApiMessage? Handle(RequestContext context, AddPartitionsToTxnRequest request)
    {
        var wanted = request.V3AndBelowTopics.SelectMany(t => t.Partitions.Select(p => (t.Name, p))).ToList();
        var errors = new Dictionary<(string, int), ErrorCode>();
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.TransactionCoordinator;
            var error = coordinator.CheckCoordinator(request.V3AndBelowTransactionalId, context.Broker.Id);
            if (error == ErrorCode.None)
            {
                var unknown = wanted.Where(w => context.Cluster.FindPartition(w.Name, w.p) is null || w.Name == Coordinators.TransactionCoordinator.StateTopicName).ToHashSet();
                if (unknown.Count > 0)
                {
                    foreach (var w in wanted) errors[w] = unknown.Contains(w) ? ErrorCode.UnknownTopicOrPartition : ErrorCode.OperationNotAttempted;
                }
                else error = coordinator.AddPartitions(request.V3AndBelowTransactionalId, request.V3AndBelowProducerId, request.V3AndBelowProducerEpoch, wanted);
            }
            if (error == ErrorCode.ProducerFenced && context.Version < 2) error = ErrorCode.InvalidProducerEpoch;
            if (errors.Count == 0) foreach (var w in wanted) errors[w] = error;
        }
        var response = new AddPartitionsToTxnResponse();
        foreach (var topic in request.V3AndBelowTopics)
        {
            var result = new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult { Name = topic.Name };
            foreach (int p in topic.Partitions)
                result.ResultsByPartition.Add(new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult { PartitionIndex = p, PartitionErrorCode = (short)errors[(topic.Name, p)] });
            response.ResultsByTopicV3AndBelow.Add(result);
        }
        return response;
    }
}
