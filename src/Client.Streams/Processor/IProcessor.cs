using Samsa.Streams.State;

namespace Samsa.Streams.Processor;

/// <summary>A node of the Processor API (Kafka's <c>api.Processor</c>): receives records and forwards others.</summary>
public interface IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>
{
    /// <summary>Called once before the first record; keep the context to forward, schedule and reach stores.</summary>
    void Init(IProcessorContext<TKeyOut, TValueOut> context) { }

    /// <summary>Processes one record.</summary>
    void Process(Record<TKeyIn, TValueIn> record);

    /// <summary>Called when the task closes.</summary>
    void Close() { }
}

/// <summary>Creates a fresh processor per task; may declare the stores its processors use.</summary>
public interface IProcessorSupplier<TKeyIn, TValueIn, TKeyOut, TValueOut>
{
    /// <summary>A new processor instance (never a shared one).</summary>
    IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut> Get();

    /// <summary>Stores to add to the topology and connect to this processor.</summary>
    IReadOnlyCollection<IStoreBuilder>? Stores => null;
}

/// <summary>How a punctuator's schedule advances.</summary>
public enum PunctuationType
{
    /// <summary>By the task's stream time (the largest record timestamp seen).</summary>
    StreamTime,
    /// <summary>By the wall clock.</summary>
    WallClockTime,
}

/// <summary>A scheduled punctuation that can be cancelled.</summary>
public interface ICancellable
{
    /// <summary>Stops future punctuations.</summary>
    void Cancel();
}
