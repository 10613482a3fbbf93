using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Samsa.Consumer;

/// <summary>
/// A Generic Host / ASP.NET background service that subscribes a consumer and hands each record to
/// <see cref="HandleAsync"/>. Override <see cref="OnErrorAsync"/> to choose what a failing record does (the default
/// logs and goes on). With <c>enable.auto.commit=false</c>, the worker stores and commits offsets after each handled
/// record batch. The consumer is closed (commit and leave) when the host stops.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public abstract class KafkaConsumerWorker<TKey, TValue> : BackgroundService
{
    /// <summary>Creates the worker.</summary>
    protected KafkaConsumerWorker(IKafkaConsumer<TKey, TValue> consumer, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        Consumer = consumer;
        Logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The consumer.</summary>
    protected IKafkaConsumer<TKey, TValue> Consumer { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>The topics to subscribe to.</summary>
    protected abstract IEnumerable<string> Topics { get; }

    /// <summary>Handles one record.</summary>
    protected abstract ValueTask HandleAsync(ConsumeResult<TKey, TValue> record, CancellationToken cancellationToken);

    /// <summary>Called when consuming or handling fails; return normally to continue, throw to stop the worker.</summary>
    protected virtual ValueTask OnErrorAsync(Exception exception, ConsumeResult<TKey, TValue>? record, CancellationToken cancellationToken)
    {
        Logger.LogError(exception, "Kafka consumer worker: {Record} failed", record?.ToString() ?? "consume");
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Consumer.Subscribe(Topics);
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<ConsumeResult<TKey, TValue>> batch;
            try
            {
                batch = await Consumer.ConsumeBatchAsync(0, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Client.KafkaException e)
            {
                await OnErrorAsync(e, null, stoppingToken).ConfigureAwait(false);
                continue;
            }
            foreach (var record in batch)
            {
                try
                {
                    await HandleAsync(record, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    await OnErrorAsync(e, record, stoppingToken).ConfigureAwait(false);
                }
                Consumer.StoreOffset(record);
            }
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await Consumer.CloseAsync(cancellationToken).ConfigureAwait(false);
    }
}
