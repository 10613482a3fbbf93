using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// DescribeTransactions (65): state, timeout, start time, producer id and epoch, and partitions of each transactional
/// id this broker coordinates (NOT_COORDINATOR otherwise, TRANSACTIONAL_ID_NOT_FOUND for unknown ids).
/// </summary>
internal sealed class DescribeTransactionsHandler : RequestHandler<DescribeTransactionsRequest>
{
    public override ApiKey Key => ApiKey.DescribeTransactions;

    protected override IKafkaApiMessage? Handle(RequestContext context, DescribeTransactionsRequest request)
    {
        var response = new DescribeTransactionsResponse();
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.TransactionCoordinator;
            foreach (string id in request.TransactionalIds)
            {
                var state = new DescribeTransactionsResponse.TransactionState { TransactionalId = id, TransactionStateValue = "", ProducerId = -1, ProducerEpoch = -1, TransactionStartTimeMs = -1 };
                response.TransactionStates.Add(state);
                var error = coordinator.CheckCoordinator(id, context.Broker.Id);
                var txn = error == ErrorCode.None ? coordinator.Find(id) : null;
                if (error == ErrorCode.None && txn is null) error = ErrorCode.TransactionalIdNotFound;
                if (error != ErrorCode.None)
                {
                    state.ErrorCode = (short)error;
                    continue;
                }
                state.TransactionStateValue = txn!.State.ToString();
                state.TransactionTimeoutMs = txn.TimeoutMs;
                state.TransactionStartTimeMs = txn.StartTimestamp;
                state.ProducerId = txn.ProducerId;
                state.ProducerEpoch = txn.ProducerEpoch;
                foreach (var byTopic in txn.Partitions.GroupBy(p => p.Topic, StringComparer.Ordinal))
                    state.Topics.Add(new DescribeTransactionsResponse.TopicData { Topic = byTopic.Key, Partitions = byTopic.Select(p => p.Partition).ToList() });
            }
        }
        return response;
    }
}
