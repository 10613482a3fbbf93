using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Internals.Engine;

/// <summary>
/// Keeps the global stores up to date: every record of a global topic runs through that store's source and
/// processor (for a GlobalKTable, a plain put). Stores are opened under task id -1_-1 and never logged: their topic
/// is their changelog.
/// </summary>
internal sealed class GlobalStateUpdater : IGlobalStateUpdater
{
    private static readonly TaskId GlobalTaskId = new(-1, -1);
    private readonly IReadOnlyList<ProcessorGraph> _graphs;
    private readonly TaskContext _context;
    private readonly Dictionary<string, IStateStore> _sharedStores;
    private readonly bool _continueOnDeserializationError;
    private bool _initialized;

    public GlobalStateUpdater(ITaskEnvironment environment, IReadOnlyList<ProcessorGraph> graphs, IReadOnlyDictionary<string, string> storeTopics,
        Dictionary<string, IStateStore> sharedStores)
    {
        _graphs = graphs;
        _sharedStores = sharedStores;
        var builders = new Dictionary<string, IStoreBuilder>(StringComparer.Ordinal);
        foreach (var graph in graphs)
        {
            foreach (var (name, builder) in graph.StoreBuilders)
                builders[name] = builder;
        }
        _context = new TaskContext(GlobalTaskId, environment, builders, global: true, storeTopics) { GlobalStores = sharedStores };
        _continueOnDeserializationError = DeserializationHandling.ContinueOnError(environment.Config);
    }

    public void Initialize()
    {
        if (_initialized)
            return;
        foreach (var graph in _graphs)
        {
            foreach (var builder in graph.StoreBuilders.Values)
            {
                var store = builder is IConfigurableStoreBuilder configurable ? configurable.Build(_context.Config) : builder.Build();
                _context.Stores[builder.Name] = store;
                _sharedStores[builder.Name] = store;
                store.Init(_context);
            }
        }
        foreach (var graph in _graphs)
        {
            foreach (var node in graph.Nodes)
                node.Init(_context);
        }
        _initialized = true;
    }

    public void Update(ConsumedRecord record)
    {
        if (!_initialized)
            throw new InvalidOperationException("The global state updater is not initialized.");
        SourceNode? source = null;
        foreach (var graph in _graphs)
        {
            source = graph.SourceFor(record.Topic);
            if (source is not null)
                break;
        }
        if (source is null)
            throw new StreamsException($"No global store reads topic {record.Topic}.");
        Record<object?, object?> deserialized;
        try
        {
            deserialized = source.Deserialize(record);
        }
        catch (Exception e) when (e is not StreamsException)
        {
            if (_continueOnDeserializationError)
            {
                EngineLog.SkippedGlobalRecord(_context.Environment, record, e);
                return;
            }
            throw new StreamsException($"Failed to deserialize global record {record.Topic}-{record.Partition}@{record.Offset}.", e);
        }
        _context.CurrentMetadata = new RecordMetadata(record.Topic, record.Partition, record.Offset);
        _context.CurrentTimestamp = record.Timestamp;
        _context.CurrentHeaders = record.Headers;
        try
        {
            source.Process(deserialized);
        }
        finally
        {
            _context.CurrentMetadata = null;
        }
    }

    public void Flush()
    {
        foreach (var store in _context.Stores.Values)
            store.Flush();
    }

    public void Close()
    {
        if (!_initialized)
            return;
        foreach (var graph in _graphs)
        {
            foreach (var node in graph.Nodes)
                node.Close();
        }
        foreach (var store in _context.Stores.Values)
        {
            store.Flush();
            store.Close();
        }
        _initialized = false;
    }
}
