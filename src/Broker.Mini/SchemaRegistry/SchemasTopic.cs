using System.Text.Json;
using System.Text.Json.Nodes;
using Samsa.Protocol.Records;
using Samsa.SchemaRegistry.Client;

namespace Samsa.Broker.Mini.SchemaRegistry;

/// <summary>
/// The registry's storage: the compacted <c>_schemas</c> topic of the mini cluster, written straight into the
/// partition log (as the group coordinator writes <c>__consumer_offsets</c>) and replayed on start. Keys and values
/// are Confluent's JSON: <c>{"keytype":"SCHEMA","subject":…,"version":…,"magic":1}</c>, <c>CONFIG</c>, <c>MODE</c>
/// and <c>DELETE_SUBJECT</c> keys; a null value is a tombstone.
/// </summary>
internal sealed class SchemasTopic(MiniCluster cluster)
{
    public const string Name = "_schemas";

    /// <summary>Creates the topic (one partition, compacted, replication min(3, brokers)) unless it was recovered.</summary>
    public void EnsureCreated()
    {
        var state = cluster.State;
        lock (state.Sync)
        {
            if (state.Topics.ContainsKey(Name)) return;
            var configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" };
            state.CreateTopic(Name, state.AssignReplicas(1, Math.Min(3, state.Brokers.Length)), configs);
        }
    }

    /// <summary>Appends records as one batch to partition 0 and wakes fetches.</summary>
    public void Append(IReadOnlyList<(byte[] Key, byte[]? Value)> records)
    {
        if (records.Count == 0) return;
        var state = cluster.State;
        lock (state.Sync)
        {
            var partition = state.FindPartition(Name, 0) ?? throw RegistryError.Store($"Topic {Name} does not exist.");
            long now = state.NowMs;
            byte[] batch;
            using (var builder = new RecordBatchBuilder(1024) { ProducerId = -1, ProducerEpoch = -1, BaseSequence = -1 })
            {
                foreach (var (key, value) in records) builder.Append(now, key, value);
                batch = builder.Build().ToArray();
            }
            state.AppendAsLeader(partition, batch, now);
            state.SignalDataArrived();
        }
    }

    /// <summary>Every record in the topic, in offset order (key, value or null, offset).</summary>
    public List<(byte[] Key, byte[]? Value, long Offset)> ReadAll()
    {
        var result = new List<(byte[], byte[]?, long)>();
        var state = cluster.State;
        lock (state.Sync)
        {
            if (state.FindPartition(Name, 0) is not { } partition) return result;
            foreach (var bytes in partition.Log.BatchesFrom(partition.Log.LogStartOffset))
            {
                using var reader = new RecordBatchReader(bytes, verifyCrc: false);
                while (reader.MoveNextBatch())
                {
                    if (reader.Header.IsControl) continue;
                    foreach (var record in reader.GetRecords())
                    {
                        if (record.IsKeyNull) continue;
                        result.Add((record.Key.ToArray(), record.IsValueNull ? null : record.Value.ToArray(), record.Offset));
                    }
                }
            }
        }
        return result;
    }

    public static (byte[], byte[]?) SchemaRecord(StoredSchema s)
    {
        var value = new JsonObject
        {
            ["subject"] = s.Subject,
            ["version"] = s.Version,
            ["id"] = s.Id,
            ["schema"] = s.Schema,
            ["deleted"] = s.Deleted,
        };
        if (s.SchemaType != "AVRO") value["schemaType"] = s.SchemaType;
        if (s.References.Count > 0) value["references"] = JsonSerializer.SerializeToNode(s.References);
        return (SchemaKey(s.Subject, s.Version), Utf8(value));
    }

    public static (byte[], byte[]?) SchemaTombstone(string subject, int version) => (SchemaKey(subject, version), null);

    public static (byte[], byte[]?) ConfigRecord(string? subject, string? level) =>
        (Key("CONFIG", subject), level is null ? null : Utf8(new JsonObject { ["compatibilityLevel"] = level }));

    public static (byte[], byte[]?) ModeRecord(string? subject, string? mode) =>
        (Key("MODE", subject), mode is null ? null : Utf8(new JsonObject { ["mode"] = mode }));

    public static (byte[], byte[]?) DeleteSubjectRecord(string subject, int? version) =>
        (Key("DELETE_SUBJECT", subject), version is { } v ? Utf8(new JsonObject { ["subject"] = subject, ["version"] = v }) : null);

    /// <summary>Parses a SCHEMA value.</summary>
    public static StoredSchema ParseSchemaValue(JsonElement v)
    {
        var refs = v.TryGetProperty("references", out var r) && r.ValueKind == JsonValueKind.Array ? r.Deserialize<SchemaReference[]>() ?? [] : [];
        var type = v.TryGetProperty("schemaType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "AVRO";
        return new StoredSchema(v.GetProperty("subject").GetString()!, v.GetProperty("version").GetInt32(), v.GetProperty("id").GetInt32(),
            v.GetProperty("schema").GetString()!, type, refs, v.TryGetProperty("deleted", out var d) && d.ValueKind == JsonValueKind.True);
    }

    private static byte[] SchemaKey(string subject, int version) =>
        Utf8(new JsonObject { ["keytype"] = "SCHEMA", ["subject"] = subject, ["version"] = version, ["magic"] = 1 });

    private static byte[] Key(string type, string? subject) => Utf8(new JsonObject { ["keytype"] = type, ["subject"] = subject, ["magic"] = 0 });

    private static byte[] Utf8(JsonObject o) => JsonSerializer.SerializeToUtf8Bytes(o);
}
