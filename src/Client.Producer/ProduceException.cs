using Samsa.Client;
using Samsa.Protocol;

namespace Samsa.Producer;

/// <summary>A record failed: thrown by <c>ProduceAsync</c>, with the outcome as far as it is known.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class ProduceException<TKey, TValue> : KafkaException
{
    /// <summary>Creates the exception.</summary>
    public ProduceException(ErrorCode errorCode, string message, bool isRetriable, DeliveryResult<TKey, TValue> result, Exception? innerException)
        : base(errorCode, message, isRetriable, innerException) => DeliveryResult = result;

    /// <summary>The record and where it was headed.</summary>
    public DeliveryResult<TKey, TValue> DeliveryResult { get; }
}
