using Samsa.Streams.Internals;
using Samsa.Streams.Processor;
using Samsa.Streams.State;

namespace Samsa.Streams.Testing;

public sealed partial class TopologyTestDriver
{
    /// <summary>The driver's task environment and record collector: one partition per topic, no restore, a private state directory.</summary>
    private sealed class Environment(TopologyTestDriver driver, StreamsConfig config, TimeProvider time) : ITaskEnvironment, IRecordCollector
    {
        private string? _stateDirectory;

        public string ApplicationId => config.ApplicationId;

        public StreamsConfig Config => config;

        public TimeProvider Time => time;

        public IRecordCollector Collector => this;

        public string? TaskDirectory(TaskId id)
        {
            _stateDirectory ??= Path.Combine(Path.GetTempPath(), "samsa-ttd-" + Guid.NewGuid().ToString("N"));
            string path = Path.Combine(_stateDirectory, id.ToString());
            Directory.CreateDirectory(path);
            return path;
        }

        public void OnStoreRegistered(TaskId id, IStateStore store, string? changelogTopic, IStateRestoreCallback restore)
        {
            // Every run starts empty: there is nothing to restore.
        }

        public void Send(string topic, int? partition, byte[]? key, byte[]? value, Headers? headers, long timestamp) =>
            driver._sent.Enqueue(new ConsumedRecord(topic, partition ?? 0, driver.NextOffset(topic), timestamp, key, value, headers));

        public int? PartitionCount(string topic) => 1;

        public void DeleteStateDirectory()
        {
            if (_stateDirectory is not null && Directory.Exists(_stateDirectory))
                Directory.Delete(_stateDirectory, recursive: true);
        }
    }
}
