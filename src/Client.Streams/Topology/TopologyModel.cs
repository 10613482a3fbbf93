using Samsa.Streams.Internals.Engine;
using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Internals.Building;

/// <summary>
/// A frozen topology as runners see it. Create one per running instance (<c>Topology.Build</c>): tasks it creates read
/// the global stores of the updater it created.
/// </summary>
internal sealed class TopologyModel : ITopologyModel
{
    private readonly InternalTopologyBuilder _builder;
    private readonly Dictionary<int, InternalTopologyBuilder.NodeGroup> _groups;
    private readonly InternalTopologyBuilder.NodeGroup[] _globalGroups;
    private readonly Dictionary<string, IStateStore> _globalStores = new(StringComparer.Ordinal);

    public TopologyModel(InternalTopologyBuilder builder, IReadOnlyList<InternalTopologyBuilder.NodeGroup> groups)
    {
        _builder = builder;
        _groups = groups.Where(g => !g.Global).ToDictionary(g => g.Id);
        _globalGroups = groups.Where(g => g.Global).ToArray();

        Subtopologies = groups.Where(g => !g.Global).Select(g =>
        {
            var sources = g.Nodes.OfType<SourceFactory>().ToList();
            var topics = sources.SelectMany(s => s.Topics).ToList();
            return new SubtopologyModel(
                g.Id,
                topics.Where(t => !builder.IsInternalTopic(t)).ToList(),
                sources.Select(s => s.Pattern).FirstOrDefault(p => p is not null),
                topics.Where(builder.IsInternalTopic).ToList(),
                builder.StoresOf(g).Values.Select(ToStoreModel).ToList());
        }).ToList();

        GlobalStores = builder.GlobalStoreTopics.Select(g => new GlobalStoreModel(g.Store, g.Topic)).ToList();

        RepartitionTopics = builder.InternalTopics.Select(t =>
        {
            var writers = groups.Where(g => g.Nodes.OfType<SinkFactory>().Any(s => s.Topic == t.Key));
            var upstream = writers.SelectMany(g => g.Nodes.OfType<SourceFactory>()).SelectMany(s => s.Topics).Distinct().ToList();
            return new InternalTopicModel(t.Key, t.Value, upstream);
        }).ToList();
    }

    public IReadOnlyList<SubtopologyModel> Subtopologies { get; }

    /// <summary>The open global stores (filled when the global updater initializes).</summary>
    public IReadOnlyDictionary<string, IStateStore> GlobalStateStores => _globalStores;

    public IReadOnlyList<GlobalStoreModel> GlobalStores { get; }

    public IReadOnlyList<InternalTopicModel> RepartitionTopics { get; }

    public IStreamTask CreateTask(TaskId id, ITaskEnvironment environment) => CreateStreamTask(id, environment);

    /// <summary>Like <see cref="CreateTask"/>, typed.</summary>
    public StreamTask CreateStreamTask(TaskId id, ITaskEnvironment environment)
    {
        if (!_groups.TryGetValue(id.Subtopology, out var group))
            throw new StreamsException($"Task {id}: the topology has no subtopology {id.Subtopology}.");
        return new StreamTask(id, environment, _builder.BuildGraph(group, environment.ApplicationId), _globalStores);
    }

    public IGlobalStateUpdater? CreateGlobalUpdater(ITaskEnvironment environment) => CreateGlobalStateUpdater(environment);

    /// <summary>Like <see cref="CreateGlobalUpdater"/>, typed.</summary>
    public GlobalStateUpdater? CreateGlobalStateUpdater(ITaskEnvironment environment)
    {
        if (_globalGroups.Length == 0)
            return null;
        var graphs = _globalGroups.Select(g => _builder.BuildGraph(g, environment.ApplicationId)).ToList();
        var topics = GlobalStores.ToDictionary(g => g.StoreName, g => g.SourceTopic, StringComparer.Ordinal);
        return new GlobalStateUpdater(environment, graphs, topics, _globalStores);
    }

    private static StoreModel ToStoreModel(IStoreBuilder builder)
    {
        var config = new Dictionary<string, string>(builder.LogConfig, StringComparer.Ordinal);
        config.TryAdd("cleanup.policy", "compact");
        return new StoreModel(builder.Name, builder.LoggingEnabled, config);
    }
}
