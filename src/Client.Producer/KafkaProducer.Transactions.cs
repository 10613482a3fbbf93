using Samsa.Client;
using Samsa.Producer.Internal;
using Samsa.Protocol;

namespace Samsa.Producer;

public sealed partial class KafkaProducer<TKey, TValue>
{
    /// <inheritdoc />
    public async Task InitTransactionsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await Transactions.InitAsync(cancellationToken).ConfigureAwait(false);
        _sender.Wake();
    }

    /// <inheritdoc />
    public void BeginTransaction()
    {
        ThrowIfDisposed();
        Transactions.Begin();
    }

    /// <inheritdoc />
    public Task SendOffsetsToTransactionAsync(IEnumerable<TopicPartitionOffset> offsets, ConsumerGroupMetadata groupMetadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(groupMetadata);
        ThrowIfDisposed();
        return Transactions.SendOffsetsAsync(offsets.ToList(), groupMetadata, cancellationToken);
    }

    /// <inheritdoc />
    public async Task CommitTransactionAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var transactions = Transactions;
        transactions.BeginCommit();
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await transactions.EndAsync(commit: true, cancellationToken).ConfigureAwait(false);
        TransactionManager.ResetPartitionFlags(_topics.All);
    }

    /// <inheritdoc />
    public async Task AbortTransactionAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var transactions = Transactions;
        transactions.BeginAbort();
        _sender.FailAll(new KafkaTransactionException(ErrorCode.UnknownServerError, "The transaction was aborted before the record was sent.", isFatal: false, requiresAbort: false));
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await transactions.EndAsync(commit: false, cancellationToken).ConfigureAwait(false);
        TransactionManager.ResetPartitionFlags(_topics.All);
    }

    private TransactionManager Transactions => _transactions
        ?? throw new InvalidOperationException("This producer is not transactional: set transactional.id.");
}
