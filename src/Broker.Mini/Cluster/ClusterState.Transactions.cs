using Samsa.Broker.Mini.Coordinators;

namespace Samsa.Broker.Mini.Cluster;

internal sealed partial class ClusterState
{
    private TransactionCoordinator? _transactionCoordinator;

    /// <summary>
    /// The transaction coordinator, created on first use (after the logs are recovered, so it can replay
    /// <c>__transaction_state</c>). Use under <see cref="Sync"/>.
    /// </summary>
    public TransactionCoordinator TransactionCoordinator => _transactionCoordinator ??= new TransactionCoordinator(this);

    /// <summary>
    /// After recovery: replays <c>__transaction_state</c> when it exists, so interrupted completions finish and open
    /// transactions keep their timeouts without waiting for a client to ask.
    /// </summary>
    public void ResumeTransactions()
    {
        if (Topics.ContainsKey(TransactionCoordinator.StateTopicName)) _ = TransactionCoordinator;
    }
}
