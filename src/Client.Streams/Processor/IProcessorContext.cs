using Samsa.Streams.State;

namespace Samsa.Streams.Processor;

/// <summary>What a processor can see and do, independent of its output types.</summary>
public interface IProcessorContext
{
    /// <summary><c>application.id</c>.</summary>
    string ApplicationId { get; }

    /// <summary>The task this processor belongs to.</summary>
    TaskId TaskId { get; }

    /// <summary>The input record being processed, or null inside a punctuation.</summary>
    RecordMetadata? RecordMetadata { get; }

    /// <summary>The task's stream time in ms (largest timestamp processed so far).</summary>
    long CurrentStreamTimeMs { get; }

    /// <summary>The wall clock in ms.</summary>
    long CurrentSystemTimeMs { get; }

    /// <summary>A store connected to this processor (or a global store).</summary>
    T GetStateStore<T>(string name) where T : IStateStore;

    /// <summary>Calls <paramref name="punctuator"/> with the current time every <paramref name="interval"/>.</summary>
    ICancellable Schedule(TimeSpan interval, PunctuationType type, Action<long> punctuator);

    /// <summary>Asks the runtime to commit the task soon.</summary>
    void Commit();
}

/// <summary>A processor's context with typed forwarding to its children.</summary>
public interface IProcessorContext<TKeyOut, TValueOut> : IProcessorContext
{
    /// <summary>Forwards to every child, or only to the named child.</summary>
    void Forward(Record<TKeyOut, TValueOut> record, string? childName = null);
}
