using Samsa.Streams.State;
using Samsa.Streams.Testing;

namespace Samsa.Streams.Tests.Dsl;

internal static class DslTestSupport
{
    public static StreamsConfig Config(string applicationId = "app") =>
        new() { ApplicationId = applicationId, DefaultKeySerde = Serdes.String, DefaultValueSerde = Serdes.String };

    public static KeyValue<TKey, TValue> KV<TKey, TValue>(TKey key, TValue value) => new(key, value);

    public static TestInputTopic<string?, string?> StringInput(this TopologyTestDriver driver, string topic) =>
        driver.CreateInputTopic(topic, Serdes.String, Serdes.String);

    public static TestOutputTopic<string?, string?> StringOutput(this TopologyTestDriver driver, string topic) =>
        driver.CreateOutputTopic(topic, Serdes.String, Serdes.String);
}
