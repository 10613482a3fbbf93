using Samsa.Admin;
using Samsa.Client;
using Samsa.Consumer;
using Samsa.Producer;

namespace Samsa.Streams.Runtime;

/// <summary>
/// Derives the embedded clients' Kafka-named settings from <see cref="StreamsConfig"/>, as Kafka Streams does:
/// unprefixed client settings go to every client that knows them, then <c>consumer.</c> (all consumers),
/// <c>main.consumer.</c>, <c>restore.consumer.</c>, <c>global.consumer.</c>, <c>producer.</c> and <c>admin.</c>
/// overrides, then the settings Streams fixes itself (group id, auto commit off, isolation under exactly-once).
/// </summary>
internal static class ClientConfigs
{
    internal enum ConsumerRole { Main, Restore, Global }

    public static Dictionary<string, string?> Consumer(StreamsConfig config, ConsumerRole role, string clientId)
    {
        var known = KafkaConfigBinder.KnownKeys(typeof(ConsumerOptions)).ToHashSet(StringComparer.Ordinal);
        // Kafka Streams' consumer defaults (overridable).
        var result = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["auto.offset.reset"] = "earliest",
            ["max.poll.records"] = "1000",
        };
        Copy(config, known, result, null);
        Copy(config, known, result, "consumer.");
        Copy(config, known, result, role switch
        {
            ConsumerRole.Main => "main.consumer.",
            ConsumerRole.Restore => "restore.consumer.",
            _ => "global.consumer.",
        });
        result["bootstrap.servers"] = config.BootstrapServers;
        result["client.id"] = clientId;
        result["enable.auto.commit"] = "false";
        if (config.ExactlyOnce) result["isolation.level"] = "read_committed";
        if (role == ConsumerRole.Main)
        {
            result["group.id"] = config.ApplicationId;
            result["partition.assignment.strategy"] = "stream"; // the task assignor (StreamsPartitionAssignor)
        }
        else
        {
            result.Remove("group.id");
            result.Remove("partition.assignment.strategy");
        }
        return result;
    }

    public static Dictionary<string, string?> Producer(StreamsConfig config, string clientId, string? transactionalId)
    {
        var known = KafkaConfigBinder.KnownKeys(typeof(ProducerOptions)).ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["linger.ms"] = "100",
        };
        if (config.ExactlyOnce) result["transaction.timeout.ms"] = "10000";
        Copy(config, known, result, null);
        Copy(config, known, result, "producer.");
        result["bootstrap.servers"] = config.BootstrapServers;
        result["client.id"] = clientId;
        if (transactionalId is not null)
        {
            result["transactional.id"] = transactionalId;
            result["enable.idempotence"] = "true";
            result["acks"] = "all";
        }
        return result;
    }

    public static Dictionary<string, string?> Admin(StreamsConfig config, string clientId)
    {
        var known = KafkaConfigBinder.KnownKeys(typeof(AdminOptions)).ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        Copy(config, known, result, null);
        Copy(config, known, result, "admin.");
        result["bootstrap.servers"] = config.BootstrapServers;
        result["client.id"] = clientId;
        return result;
    }

    /// <summary>Copies the unprefixed keys the client knows (null prefix), or the keys under <paramref name="prefix"/> stripped of it.</summary>
    private static void Copy(StreamsConfig config, HashSet<string> known, Dictionary<string, string?> into, string? prefix)
    {
        foreach (var (key, value) in config.Extra)
        {
            if (prefix is null)
            {
                if (known.Contains(key)) into[key] = value;
                continue;
            }
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            string stripped = key[prefix.Length..];
            if (known.Contains(stripped)) into[stripped] = value;
        }
    }
}
