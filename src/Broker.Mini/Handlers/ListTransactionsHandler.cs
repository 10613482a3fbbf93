using Samsa.Broker.Mini.Coordinators;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>
/// ListTransactions (66), v0-1: the transactional ids this broker coordinates, filtered by state names (unknown ones
/// are echoed in UnknownStateFilters), producer ids and (v1) a minimum running time of the ongoing transaction.
/// </summary>
internal sealed class ListTransactionsHandler : RequestHandler<ListTransactionsRequest>
{
    public override ApiKey Key => ApiKey.ListTransactions;

    protected override IKafkaApiMessage? Handle(RequestContext context, ListTransactionsRequest request)
    {
        var response = new ListTransactionsResponse();
        var states = new HashSet<TxnState>();
        foreach (string name in request.StateFilters)
        {
            if (Enum.TryParse<TxnState>(name, ignoreCase: false, out var s) && Enum.IsDefined(s) && !int.TryParse(name, out _)) states.Add(s);
            else response.UnknownStateFilters.Add(name);
        }
        if (response.UnknownStateFilters.Count > 0 && states.Count == 0) return response;
        var producerIds = request.ProducerIdFilters.ToHashSet();
        long duration = context.Version >= 1 ? request.DurationFilter : -1;
        lock (context.Cluster.Sync)
        {
            var coordinator = context.Cluster.TransactionCoordinator;
            long now = coordinator.NowMs;
            foreach (var txn in coordinator.Transactions.OrderBy(t => t.TransactionalId, StringComparer.Ordinal))
            {
                if (states.Count > 0 && !states.Contains(txn.State)) continue;
                if (producerIds.Count > 0 && !producerIds.Contains(txn.ProducerId)) continue;
                if (duration >= 0 && (txn.StartTimestamp < 0 || now - txn.StartTimestamp < duration)) continue;
                if (!coordinator.IsCoordinatedBy(txn, context.Broker.Id)) continue;
                response.TransactionStates.Add(new ListTransactionsResponse.TransactionState
                {
                    TransactionalId = txn.TransactionalId, ProducerId = txn.ProducerId, TransactionStateValue = txn.State.ToString(),
                });
            }
        }
        return response;
    }
}
