namespace Samsa.Streams;

/// <summary>A failure while building or running a topology (Kafka's <c>StreamsException</c>, <c>TopologyException</c>).</summary>
public class StreamsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StreamsException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>An invalid topology: unknown parents, duplicate names, stores connected to unknown processors (Kafka's <c>TopologyException</c>).</summary>
public sealed class TopologyException : StreamsException
{
    /// <summary>Creates the exception.</summary>
    public TopologyException(string message) : base("Invalid topology: " + message) { }
}
