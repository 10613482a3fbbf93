using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini;

/// <summary>A request seen by an interceptor, already parsed.</summary>
public sealed class InterceptedRequest
{
    internal InterceptedRequest(int brokerId, ApiKey apiKey, short apiVersion, RequestHeader header, IKafkaApiMessage body)
    {
        BrokerId = brokerId;
        ApiKey = apiKey;
        ApiVersion = apiVersion;
        CorrelationId = header.CorrelationId;
        ClientId = header.ClientId;
        Body = body;
    }

    /// <summary>The broker the request reached.</summary>
    public int BrokerId { get; }

    /// <summary>The request's API.</summary>
    public ApiKey ApiKey { get; }

    /// <summary>The request's API version; a substitute response is written at this version.</summary>
    public short ApiVersion { get; }

    /// <summary>The request's correlation id.</summary>
    public int CorrelationId { get; }

    /// <summary>The client id from the request header.</summary>
    public string? ClientId { get; }

    /// <summary>The parsed request body (for example a <see cref="ProduceRequest"/>).</summary>
    public IKafkaApiMessage Body { get; }
}

/// <summary>What an interceptor decided: let the broker handle the request, answer it instead, or drop the connection.</summary>
public readonly struct InterceptResult
{
    private InterceptResult(int kind, IKafkaApiMessage? response)
    {
        Kind = kind;
        Response = response;
    }

    /// <summary>Handle the request normally (after whatever delay or parking the interceptor awaited).</summary>
    public static InterceptResult Continue => new(0, null);

    /// <summary>Close the connection without answering, as a crashed or partitioned broker would.</summary>
    public static InterceptResult DropConnection => new(1, null);

    /// <summary>Answer with <paramref name="response"/> (for example one carrying an injected error code) instead of handling the request.</summary>
    public static InterceptResult Respond(IKafkaApiMessage response) => new(2, response ?? throw new ArgumentNullException(nameof(response)));

    internal int Kind { get; }

    internal IKafkaApiMessage? Response { get; }
}

/// <summary>
/// Decides the fate of a request before the broker handles it. Delays and parking are plain awaits inside the
/// interceptor (for example on a <see cref="TaskCompletionSource"/> the test completes to release the request).
/// </summary>
/// <param name="request">The parsed request.</param>
/// <param name="cancellationToken">Cancelled when the connection or broker stops.</param>
public delegate ValueTask<InterceptResult> RequestInterceptor(InterceptedRequest request, CancellationToken cancellationToken);
