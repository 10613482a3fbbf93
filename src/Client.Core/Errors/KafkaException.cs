using Samsa.Protocol;

namespace Samsa.Client;

/// <summary>
/// The base of every error Samsa clients raise for Kafka-level failures. Carries the Kafka <see cref="ErrorCode"/>
/// (or <see cref="ErrorCode.UnknownServerError"/> when the failure is local) and whether retrying may succeed.
/// </summary>
public class KafkaException : Exception
{
    /// <summary>Creates an exception for a broker error code, using Kafka's description as the message.</summary>
    public KafkaException(ErrorCode errorCode)
        : this(errorCode, $"{errorCode.KafkaName()}: {errorCode.Describe()}") { }

    /// <summary>Creates an exception for a broker error code with a specific message.</summary>
    public KafkaException(ErrorCode errorCode, string message, Exception? innerException = null)
        : this(errorCode, message, errorCode.IsRetriable(), innerException) { }

    /// <summary>Creates an exception with an explicit retriable flag (for local failures such as lost connections).</summary>
    public KafkaException(ErrorCode errorCode, string message, bool isRetriable, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        IsRetriable = isRetriable;
    }

    /// <summary>The Kafka error code; <see cref="ErrorCode.UnknownServerError"/> for local failures without one.</summary>
    public ErrorCode ErrorCode { get; }

    /// <summary>True when the same operation may succeed if retried (after a metadata refresh or backoff).</summary>
    public bool IsRetriable { get; }

    /// <summary>Throws a <see cref="KafkaException"/> of the most specific kind when <paramref name="code"/> is an error.</summary>
    public static void ThrowIfError(ErrorCode code, string? message = null)
    {
        if (code != ErrorCode.None) throw FromErrorCode(code, message);
    }

    /// <summary>Creates the most specific exception for a broker error code.</summary>
    public static KafkaException FromErrorCode(ErrorCode code, string? message = null)
    {
        string text = string.IsNullOrEmpty(message)
            ? $"{code.KafkaName()}: {code.Describe()}"
            : $"{code.KafkaName()}: {message}";
        return code switch
        {
            ErrorCode.SaslAuthenticationFailed or ErrorCode.UnsupportedSaslMechanism or ErrorCode.IllegalSaslState
                => new KafkaAuthenticationException(code, text),
            ErrorCode.UnsupportedVersion => new UnsupportedVersionException(text),
            ErrorCode.TopicAuthorizationFailed or ErrorCode.GroupAuthorizationFailed or ErrorCode.ClusterAuthorizationFailed
                or ErrorCode.TransactionalIdAuthorizationFailed or ErrorCode.DelegationTokenAuthorizationFailed
                => new KafkaAuthorizationException(code, text),
            ErrorCode.RequestTimedOut => new KafkaTimeoutException(text, code),
            _ => new KafkaException(code, text),
        };
    }
}

/// <summary>A request or operation did not finish in time (locally, or <c>REQUEST_TIMED_OUT</c> from the broker). Retriable.</summary>
public sealed class KafkaTimeoutException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    public KafkaTimeoutException(string message, ErrorCode errorCode = ErrorCode.RequestTimedOut, Exception? innerException = null)
        : base(errorCode, message, isRetriable: true, innerException) { }
}

/// <summary>
/// A connection to a broker could not be established or was lost. Every request pending on the connection fails with
/// the same instance. Retriable (<see cref="ErrorCode.NetworkException"/>).
/// </summary>
public sealed class KafkaConnectionException : KafkaException
{
    /// <summary>Creates the exception for a broker endpoint.</summary>
    public KafkaConnectionException(string message, string? endpoint = null, Exception? innerException = null)
        : base(ErrorCode.NetworkException, message, isRetriable: true, innerException)
    {
        Endpoint = endpoint;
    }

    /// <summary>The broker endpoint (<c>host:port</c>) the connection was for, when known.</summary>
    public string? Endpoint { get; }
}

/// <summary>The client and the broker share no version of an API, or the broker rejected a version. Not retriable.</summary>
public sealed class UnsupportedVersionException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    public UnsupportedVersionException(string message, ApiKey? apiKey = null)
        : base(ErrorCode.UnsupportedVersion, message, isRetriable: false)
    {
        ApiKey = apiKey;
    }

    /// <summary>The API that had no common version, when known.</summary>
    public ApiKey? ApiKey { get; }
}

/// <summary>SASL or TLS authentication failed. Not retriable: the credentials or broker configuration must change.</summary>
public sealed class KafkaAuthenticationException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    public KafkaAuthenticationException(ErrorCode errorCode, string message, Exception? innerException = null)
        : base(errorCode, message, isRetriable: false, innerException) { }
}

/// <summary>
/// The broker's ACLs deny the operation (TOPIC_, GROUP_, CLUSTER_, TRANSACTIONAL_ID_ or DELEGATION_TOKEN_AUTHORIZATION_FAILED),
/// like Java's <c>AuthorizationException</c> family. Not retriable: the ACLs or the principal must change.
/// </summary>
public sealed class KafkaAuthorizationException : KafkaException
{
    /// <summary>Creates the exception.</summary>
    public KafkaAuthorizationException(ErrorCode errorCode, string message, Exception? innerException = null)
        : base(errorCode, message, isRetriable: false, innerException) { }
}
