namespace Samsa.Testing;

/// <summary>Which way a captured frame travelled.</summary>
public enum FrameDirection
{
    /// <summary>Client to broker.</summary>
    Request,

    /// <summary>Broker to client.</summary>
    Response,
}

/// <summary>
/// One whole Kafka frame seen by <see cref="TcpCaptureProxy"/>: the 4-byte big-endian size prefix followed by
/// the payload, plus the request header fields. A response carries the api key, version and client id of the
/// request with the same correlation id on the same connection (-1 / null when none matched).
/// </summary>
/// <param name="Sequence">Capture order across all connections, from 0.</param>
/// <param name="ConnectionId">Proxy connection number, from 1.</param>
/// <param name="Direction">Request or response.</param>
/// <param name="ApiKey">Request api_key.</param>
/// <param name="ApiVersion">Request api_version.</param>
/// <param name="CorrelationId">Correlation id.</param>
/// <param name="ClientId">Request client_id (nullable in the protocol).</param>
/// <param name="Frame">The whole frame, size prefix included.</param>
/// <param name="Timestamp">When the frame was complete.</param>
public sealed record CapturedFrame(
    long Sequence,
    int ConnectionId,
    FrameDirection Direction,
    short ApiKey,
    short ApiVersion,
    int CorrelationId,
    string? ClientId,
    byte[] Frame,
    DateTimeOffset Timestamp)
{
    /// <summary>The frame without its 4-byte size prefix.</summary>
    public ReadOnlyMemory<byte> Payload => Frame.AsMemory(4);

    /// <inheritdoc />
    public override string ToString()
        => $"#{Sequence} conn {ConnectionId} {Direction} api {ApiKey} v{ApiVersion} corr {CorrelationId} client '{ClientId}' {Frame.Length} bytes";
}
