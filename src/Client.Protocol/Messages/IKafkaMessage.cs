using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Messages;

/// <summary>A versioned Kafka message (request, response, header or data record) generated from the spec.</summary>
public interface IKafkaMessage
{
    /// <summary>The lowest version defined for the message.</summary>
    short LowestSupportedVersion { get; }

    /// <summary>The highest version defined for the message.</summary>
    short HighestSupportedVersion { get; }

    /// <summary>Reads the message's fields in the layout of <paramref name="version"/>.</summary>
    void Read(ref KafkaReader reader, short version);

    /// <summary>Writes the message in the layout of <paramref name="version"/>; the writer needs <see cref="ComputeSize"/> bytes.</summary>
    void Write(ref KafkaWriter writer, short version);

    /// <summary>The exact size <see cref="Write"/> produces at <paramref name="version"/>.</summary>
    int ComputeSize(short version);
}

/// <summary>A request or response body, identified by its API key.</summary>
public interface IKafkaApiMessage : IKafkaMessage
{
    /// <summary>The API this message belongs to.</summary>
    ApiKey ApiKey { get; }
}

/// <summary>A request body whose response type is <typeparamref name="TResponse"/>.</summary>
public interface IKafkaRequest<TResponse> : IKafkaApiMessage where TResponse : IKafkaResponse, new()
{
}

/// <summary>A response body.</summary>
public interface IKafkaResponse : IKafkaApiMessage
{
}
