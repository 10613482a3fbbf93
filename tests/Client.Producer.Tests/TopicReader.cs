using Samsa.Client;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;

namespace Samsa.Producer.Tests;

/// <summary>One record read back from a broker.</summary>
public sealed record ReadRecord(int Partition, long Offset, long Timestamp, byte[]? Key, byte[]? Value, List<(string Key, byte[]? Value)> Headers);

/// <summary>Reads every record of a topic with plain Fetch requests (topic names, Fetch up to v12).</summary>
public static class TopicReader
{
    public static async Task<List<ReadRecord>> ReadAllAsync(string bootstrap, string topic, CancellationToken cancellationToken = default)
    {
        await using var cluster = new KafkaCluster(new KafkaClientOptions { BootstrapServers = bootstrap });
        var metadata = await cluster.RefreshMetadataAsync([topic], cancellationToken);
        var result = new List<ReadRecord>();
        foreach (int partition in metadata.Topics[topic].Partitions.Keys.Order())
            result.AddRange(await ReadPartitionAsync(cluster, topic, partition, cancellationToken));
        return result;
    }

    public static async Task<List<ReadRecord>> ReadPartitionAsync(KafkaCluster cluster, string topic, int partition, CancellationToken cancellationToken)
    {
        var records = new List<ReadRecord>();
        long offset = 0;
        while (true)
        {
            var connection = await cluster.GetLeaderConnectionAsync(topic, partition, cancellationToken);
            var request = new FetchRequest
            {
                MaxWaitMs = 0,
                MinBytes = 0,
                Topics = [new FetchRequest.FetchTopic { Topic = topic, Partitions = [new FetchRequest.FetchPartition { Partition = partition, FetchOffset = offset, PartitionMaxBytes = 4 << 20 }] }],
            };
            short version = connection.ApiVersions!.Select(ApiKey.Fetch, 12);
            var response = await connection.SendAsync(request, version, null, cancellationToken);
            var data = response.Responses[0].Partitions[0];
            if (data.ErrorCode != 0) throw KafkaException.FromErrorCode((ErrorCode)data.ErrorCode);
            int before = records.Count;
            if (data.Records is { Length: > 0 } bytes)
            {
                using var reader = new RecordBatchReader(bytes);
                while (reader.MoveNextBatch())
                {
                    if (reader.Header.IsControl) { offset = reader.Header.BaseOffset + reader.Header.LastOffsetDelta + 1; continue; }
                    foreach (var r in reader.GetRecords())
                    {
                        if (r.Offset < offset) continue;
                        var headers = new List<(string, byte[]?)>();
                        foreach (var h in r.Headers) headers.Add((h.GetKey(), h.IsValueNull ? null : h.Value.ToArray()));
                        records.Add(new ReadRecord(partition, r.Offset, r.Timestamp, r.IsKeyNull ? null : r.Key.ToArray(), r.IsValueNull ? null : r.Value.ToArray(), headers));
                        offset = r.Offset + 1;
                    }
                }
            }
            if (offset >= data.HighWatermark || records.Count == before && offset >= data.HighWatermark) break;
            if (records.Count == before && (data.Records is null || data.Records.Value.Length == 0)) break;
        }
        return records;
    }
}
