using Samsa.Admin.Internal;
using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Admin;

public sealed partial class AdminClient
{
    /// <summary>Active producers of partitions, from each partition's leader; each partition gets its own result.</summary>
    public Task<AdminResults<TopicPartition, IReadOnlyList<ProducerState>>> DescribeProducersAsync(IEnumerable<TopicPartition> partitions,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        return _driver.RunAsync<TopicPartition, IReadOnlyList<ProducerState>>("DescribeProducers", partitions, p => Route.LeaderOf(p.Topic, p.Partition),
            async (connection, batch, ct) =>
            {
                var request = new DescribeProducersRequest
                {
                    Topics = batch.GroupBy(p => p.Topic).Select(t => new DescribeProducersRequest.TopicRequest { Name = t.Key, PartitionIndexes = t.Select(p => p.Partition).ToList() }).ToList(),
                };
                var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
                return response.Topics.SelectMany(t => t.Partitions.Select(p => (Key: new TopicPartition(t.Name, p.PartitionIndex), p)))
                    .ToMap(r => r.Key, r => Outcome<IReadOnlyList<ProducerState>>.From(r.p.ErrorCode, r.p.ErrorMessage,
                        r.p.ActiveProducers.Select(s => new ProducerState(s.ProducerId, s.ProducerEpoch, s.LastSequence, s.LastTimestamp,
                            s.CoordinatorEpoch, s.CurrentTxnStartOffset)).ToList()));
            }, cancellationToken);
    }

    /// <summary>Describes transactions (routed to each transactional id's coordinator).</summary>
    public Task<AdminResults<string, TransactionDescription>> DescribeTransactionsAsync(IEnumerable<string> transactionalIds,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactionalIds);
        return _driver.RunAsync<string, TransactionDescription>("DescribeTransactions", transactionalIds, TransactionRoute, async (connection, batch, ct) =>
        {
            var response = await connection.SendAsync(new DescribeTransactionsRequest { TransactionalIds = [.. batch] }, ct).ConfigureAwait(false);
            int coordinator = connection.BrokerId ?? -1;
            return response.TransactionStates.ToMap(s => s.TransactionalId, s => Outcome<TransactionDescription>.From(s.ErrorCode, null,
                new TransactionDescription(s.TransactionalId, s.TransactionStateValue, s.TransactionTimeoutMs, s.TransactionStartTimeMs, s.ProducerId,
                    s.ProducerEpoch, s.Topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p))).ToList(), coordinator)));
        }, cancellationToken);
    }

    /// <summary>Lists transactions on every broker, optionally filtered by state and producer id. Throws when a broker cannot be asked.</summary>
    public async Task<IReadOnlyList<TransactionListing>> ListTransactionsAsync(IEnumerable<string>? states = null, IEnumerable<long>? producerIds = null,
        CancellationToken cancellationToken = default)
    {
        var stateFilter = states?.ToList() ?? [];
        var producerFilter = producerIds?.ToList() ?? [];
        var metadata = await _cluster.RefreshMetadataAsync(null, cancellationToken).ConfigureAwait(false);
        var results = await _driver.RunAsync<int, IReadOnlyList<TransactionListing>>("ListTransactions", metadata.Brokers.Keys.Order(), Route.ToNode,
            async (connection, brokers, ct) =>
            {
                var request = new ListTransactionsRequest { StateFilters = stateFilter, ProducerIdFilters = producerFilter, DurationFilter = -1 };
                var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
                IReadOnlyList<TransactionListing> list = response.TransactionStates
                    .Select(s => new TransactionListing(s.TransactionalId, s.ProducerId, s.TransactionStateValue, brokers[0])).ToList();
                return new() { [brokers[0]] = Outcome<IReadOnlyList<TransactionListing>>.From(response.ErrorCode, null, list) };
            }, cancellationToken).ConfigureAwait(false);
        results.ThrowFirstError();
        return results.SelectMany(r => r.Value).OrderBy(t => t.TransactionalId, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Fences the producers of transactional ids (InitProducerId at their coordinator bumps the epoch and aborts any
    /// open transaction), as Kafka's <c>fenceProducers</c> does.
    /// </summary>
    public Task<AdminResults<string, FencedProducer>> FenceProducersAsync(IEnumerable<string> transactionalIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactionalIds);
        return _driver.RunAsync<string, FencedProducer>("FenceProducers", transactionalIds, TransactionRoute, async (connection, batch, ct) =>
        {
            var outcomes = new Dictionary<string, Outcome<FencedProducer>>(StringComparer.Ordinal);
            foreach (var id in batch)
            {
                var request = new InitProducerIdRequest { TransactionalId = id, TransactionTimeoutMs = 60_000, ProducerId = -1, ProducerEpoch = -1 };
                var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
                outcomes[id] = Outcome<FencedProducer>.From(response.ErrorCode, null, new FencedProducer(response.ProducerId, response.ProducerEpoch));
            }
            return outcomes;
        }, cancellationToken);
    }

    private static Route TransactionRoute(string transactionalId) => Route.CoordinatorOf(CoordinatorType.Transaction, transactionalId);
}
