using Samsa.Client;
using Samsa.Protocol;

namespace Samsa.Producer;

/// <summary>
/// A transactional failure. <see cref="IsFatal"/>: the producer cannot continue (fenced, unauthorized, misconfigured)
/// and must be disposed. <see cref="RequiresAbort"/>: the current transaction must be aborted, then a new one can begin.
/// </summary>
public sealed class KafkaTransactionException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    public KafkaTransactionException(ErrorCode errorCode, string message, bool isFatal, bool requiresAbort, bool isRetriable = false, Exception? innerException = null)
        : base(errorCode, message, isRetriable, innerException)
    {
        IsFatal = isFatal;
        RequiresAbort = requiresAbort;
    }

    /// <summary>True when the producer must be closed.</summary>
    public bool IsFatal { get; }

    /// <summary>True when the transaction must be aborted.</summary>
    public bool RequiresAbort { get; }
}
