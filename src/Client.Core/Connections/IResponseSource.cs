using Samsa.Protocol.Messages;

namespace Samsa.Client.Connections;

/// <summary>
/// Implemented by a request that supplies the object its response is read into, so that a hot path (the producer's
/// Produce requests) can reuse response objects instead of getting a new <typeparamref name="TResponse"/> per response.
/// <see cref="KafkaConnection.SendAsync{TResponse}(IKafkaRequest{TResponse}, short, TimeSpan?, CancellationToken)"/>
/// calls <see cref="NextResponse"/> on its read loop when the response arrives; the object must not be in use elsewhere.
/// </summary>
/// <typeparam name="TResponse">The response type.</typeparam>
public interface IResponseSource<out TResponse> where TResponse : IKafkaResponse
{
    /// <summary>An object to read the next response into (a reused one, or a new one when none is free).</summary>
    TResponse NextResponse();
}
