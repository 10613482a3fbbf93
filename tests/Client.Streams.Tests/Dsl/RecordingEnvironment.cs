using Samsa.Streams.Internals;
using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Tests.Dsl;

/// <summary>A task environment that records what tasks send and register.</summary>
internal sealed class RecordingEnvironment : ITaskEnvironment, IRecordCollector, IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "samsa-dsl-tests-" + Guid.NewGuid().ToString("N"));

    public sealed record SentRecord(string Topic, int? Partition, byte[]? Key, byte[]? Value, long Timestamp);

    public List<SentRecord> Sent { get; } = [];

    public List<(TaskId Task, string Store, string? Changelog)> Registered { get; } = [];

    public string ApplicationId => Config.ApplicationId;

    public StreamsConfig Config { get; } = new() { ApplicationId = "app", DefaultKeySerde = Serdes.String, DefaultValueSerde = Serdes.String };

    public TimeProvider Time => TimeProvider.System;

    public IRecordCollector Collector => this;

    public string? TaskDirectory(TaskId id)
    {
        string path = Path.Combine(_stateDir, id.ToString());
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(_stateDir))
            Directory.Delete(_stateDir, recursive: true);
    }

    /// <summary>Restore callbacks of the registered stores, by store name.</summary>
    public Dictionary<string, IStateRestoreCallback> Restorers { get; } = [];

    public void OnStoreRegistered(TaskId id, IStateStore store, string? changelogTopic, IStateRestoreCallback restore)
    {
        Registered.Add((id, store.Name, changelogTopic));
        Restorers[store.Name] = restore;
    }

    public void Send(string topic, int? partition, byte[]? key, byte[]? value, Headers? headers, long timestamp) =>
        Sent.Add(new SentRecord(topic, partition, key, value, timestamp));

    public int? PartitionCount(string topic) => 4;
}
