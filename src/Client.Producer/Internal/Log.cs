using Microsoft.Extensions.Logging;
using Samsa.Protocol;

namespace Samsa.Producer.Internal;

/// <summary>Source-generated log messages for Samsa.Client.Producer. Event ids: 3000-3099 sender, 3100-3199 idempotence, 3200-3299 transactions.</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Error, "Unexpected error in the producer's sender loop")]
    public static partial void SenderError(ILogger logger, Exception exception);

    [LoggerMessage(3001, LogLevel.Debug, "Retrying batch for {Topic}-{Partition} after {Error} (attempt {Attempt})")]
    public static partial void RetryingBatch(ILogger logger, string topic, int partition, ErrorCode error, int attempt);

    [LoggerMessage(3002, LogLevel.Warning, "A delivery handler threw; the exception is ignored")]
    public static partial void DeliveryHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(3100, LogLevel.Information, "Producer id {ProducerId} epoch {Epoch}")]
    public static partial void ProducerIdAssigned(ILogger logger, long producerId, short epoch);

    [LoggerMessage(3101, LogLevel.Warning, "InitProducerId failed with {Error}; retrying")]
    public static partial void InitProducerIdFailed(ILogger logger, ErrorCode error);

    [LoggerMessage(3102, LogLevel.Information, "Bumping the producer epoch: {Reason}")]
    public static partial void EpochBumpRequested(ILogger logger, string reason);

    [LoggerMessage(3200, LogLevel.Debug, "Transaction request {Request} failed with {Error}; retrying")]
    public static partial void TransactionRetry(ILogger logger, string request, ErrorCode error);

    [LoggerMessage(3201, LogLevel.Information, "Transaction state {From} -> {To}")]
    public static partial void TransactionState(ILogger logger, string from, string to);
}
