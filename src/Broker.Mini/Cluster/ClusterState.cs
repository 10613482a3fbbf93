using Microsoft.Extensions.Logging;
using Samsa.Broker.Mini.Configs;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Mini.Cluster;

/// <summary>
/// All cluster state: brokers, topics, partitions, logs and config layers. One lock (<see cref="Sync"/>) guards it and
/// every handler does its state work under that lock without awaiting, which gives the same single-owner semantics as
/// kfake's request loop while letting connections parse and serialize in parallel. Waiting (fetch long-polls,
/// interceptor delays) always happens outside the lock.
/// </summary>
internal sealed partial class ClusterState : IDisposable
{
    private TaskCompletionSource _dataArrived = NewSignal();
    private long _nextProducerId;

    public ClusterState(MiniClusterOptions options, ILogger logger)
    {
        Options = options;
        Logger = logger;
        Time = options.TimeProvider ?? TimeProvider.System;
        ClusterId = options.ClusterId ?? RandomClusterId();
        foreach (var (k, v) in options.BrokerConfigs) StaticBrokerConfigs[k] = v;
        Brokers = Enumerable.Range(0, options.Brokers)
            .Select(i => new BrokerNode(i, options.Host, options.Port == 0 ? 0 : options.Port + i) { Rack = options.Racks?.ElementAtOrDefault(i) })
            .ToArray();
    }

    public Lock Sync { get; } = new();

    public MiniClusterOptions Options { get; }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    public string ClusterId { get; private set; }

    public BrokerNode[] Brokers { get; }

    public Dictionary<string, TopicState> Topics { get; } = new(StringComparer.Ordinal);

    public Dictionary<Uuid, TopicState> TopicsById { get; } = new();

    /// <summary>Static broker configs (STATIC_BROKER_CONFIG), from the options.</summary>
    public Dictionary<string, string> StaticBrokerConfigs { get; } = new(StringComparer.Ordinal);

    /// <summary>Cluster-wide dynamic broker configs (DYNAMIC_DEFAULT_BROKER_CONFIG).</summary>
    public Dictionary<string, string> DynamicDefaultBrokerConfigs { get; } = new(StringComparer.Ordinal);

    /// <summary>Per-broker dynamic configs (DYNAMIC_BROKER_CONFIG).</summary>
    public Dictionary<int, Dictionary<string, string>> DynamicBrokerConfigs { get; } = new();

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The controller the cluster reports: the lowest live broker id, or -1.</summary>
    public int ControllerId => Brokers.FirstOrDefault(b => b.IsAlive)?.Id ?? -1;

    public int AliveBrokerCount => Brokers.Count(b => b.IsAlive);

    /// <summary>A task that completes on the next append to any partition (or on any leadership change). Read it under the lock.</summary>
    public Task DataArrived => _dataArrived.Task;

    /// <summary>Wakes every waiting fetch; call under the lock after appending or changing partition state.</summary>
    public void SignalDataArrived()
    {
        var old = _dataArrived;
        _dataArrived = NewSignal();
        old.TrySetResult();
    }

    public long AllocateProducerId()
    {
        long id = _nextProducerId++;
        SaveMetadata();
        return id;
    }

    /// <summary>Resolves a broker config through the dynamic, static and default layers.</summary>
    public (string? Value, ConfigSource Source) BrokerConfig(int brokerId, string name)
    {
        if (DynamicBrokerConfigs.TryGetValue(brokerId, out var perBroker) && perBroker.TryGetValue(name, out var v1))
            return (v1, ConfigSource.DynamicBrokerConfig);
        if (DynamicDefaultBrokerConfigs.TryGetValue(name, out var v2)) return (v2, ConfigSource.DynamicDefaultBrokerConfig);
        if (StaticBrokerConfigs.TryGetValue(name, out var v3)) return (v3, ConfigSource.StaticBrokerConfig);
        if (name is "node.id" or "broker.id") return (brokerId.ToString(System.Globalization.CultureInfo.InvariantCulture), ConfigSource.StaticBrokerConfig);
        if (name == "log.dirs") return (Options.DataDirectory ?? "(memory)", ConfigSource.StaticBrokerConfig);
        return BrokerConfigs.All.TryGetValue(name, out var def) ? (def.Default, ConfigSource.DefaultConfig) : (null, ConfigSource.Unknown);
    }

    /// <summary>Resolves a topic config: topic override, then its broker synonym's layers (controller's view), then default.</summary>
    public (string? Value, ConfigSource Source) TopicConfigValue(TopicState topic, string name)
    {
        if (topic.Overrides.TryGetValue(name, out var v)) return (v, ConfigSource.DynamicTopicConfig);
        if (TopicConfigs.All.TryGetValue(name, out var def) && def.BrokerSynonym is { } synonym)
        {
            var (value, source) = BrokerConfig(Math.Max(ControllerId, 0), synonym);
            if (source != ConfigSource.DefaultConfig && value is not null) return (value, source);
            return (def.Default, ConfigSource.DefaultConfig);
        }
        return (def?.Default, def is null ? ConfigSource.Unknown : ConfigSource.DefaultConfig);
    }

    public bool BrokerBool(string name) => bool.Parse(BrokerConfig(Math.Max(ControllerId, 0), name).Value ?? "false");

    public int BrokerInt(string name) =>
        int.Parse(BrokerConfig(Math.Max(ControllerId, 0), name).Value ?? "0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Re-parses every topic's effective config (after any config layer changes).</summary>
    public void RefreshTopicConfigs()
    {
        foreach (var topic in Topics.Values) RefreshTopicConfig(topic);
    }

    public void RefreshTopicConfig(TopicState topic) => topic.Config = TopicConfig.From(n => TopicConfigValue(topic, n).Value!);

    /// <summary>Looks up a partition by topic name and index.</summary>
    public PartitionState? FindPartition(string topic, int partition) =>
        Topics.TryGetValue(topic, out var t) && partition >= 0 && partition < t.Partitions.Count ? t.Partitions[partition] : null;

    public void Dispose()
    {
        foreach (var topic in Topics.Values)
            foreach (var p in topic.Partitions)
                foreach (var r in p.ReplicaStates.Values) r.Log.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string RandomClusterId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Uuid.NewRandom().WriteTo(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
