using System.Globalization;
using Samsa.Admin.Internal;

namespace Samsa.Admin;

public sealed partial class AdminClient
{
    /// <summary>
    /// The reset of <c>kafka-consumer-groups.sh --reset-offsets</c>: computes new offsets for the group's partitions
    /// and, when <see cref="OffsetResetRequest.Execute"/>, commits them. Refuses (throws
    /// <see cref="InvalidOperationException"/>) unless the group is inactive (Empty or Dead), in dry runs too, as the
    /// tool does. Returns the plan, sorted by partition.
    /// </summary>
    public async Task<IReadOnlyList<OffsetResetRow>> ResetConsumerGroupOffsetsAsync(OffsetResetRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var group = (await DescribeConsumerGroupsAsync([request.GroupId], cancellationToken: cancellationToken).ConfigureAwait(false))[request.GroupId].Value;
        if (group.State is not ("Empty" or "Dead"))
            throw new InvalidOperationException($"Assignments can only be reset if the group '{request.GroupId}' is inactive, but the current state is {group.State}.");

        var committed = await ListConsumerGroupOffsetsAsync(request.GroupId, cancellationToken: cancellationToken).ConfigureAwait(false);
        var spec = request.Spec;
        Dictionary<TopicPartition, long>? fromFile = spec.Kind == OffsetResetKind.FromFile ? ParseCsv(request.GroupId, spec.Csv!) : null;
        var partitions = fromFile?.Keys.ToList() ?? await ScopeAsync(request, committed, cancellationToken).ConfigureAwait(false);

        var plan = new Dictionary<TopicPartition, long>();
        switch (spec.Kind)
        {
            case OffsetResetKind.FromFile:
                foreach (var (p, o) in fromFile!) plan[p] = o;
                break;
            case OffsetResetKind.ToEarliest:
                plan = await LookupAsync(partitions, OffsetSpec.Earliest, cancellationToken).ConfigureAwait(false);
                break;
            case OffsetResetKind.ToLatest:
                plan = await LookupAsync(partitions, OffsetSpec.Latest, cancellationToken).ConfigureAwait(false);
                break;
            case OffsetResetKind.ToCurrent:
                var latestForMissing = await LookupAsync(partitions.Where(p => !committed.ContainsKey(p)).ToList(), OffsetSpec.Latest, cancellationToken).ConfigureAwait(false);
                foreach (var p in partitions) plan[p] = committed.TryGetValue(p, out var c) ? c.Offset : latestForMissing[p];
                break;
            case OffsetResetKind.ToDatetime or OffsetResetKind.ByDuration:
                var time = spec.Kind == OffsetResetKind.ToDatetime ? spec.Time : _time.GetUtcNow() - spec.Duration;
                var found = await LookupAsync(partitions, OffsetSpec.ForTimestamp(time), cancellationToken).ConfigureAwait(false);
                var ends = await LookupAsync(partitions.Where(p => found[p] < 0).ToList(), OffsetSpec.Latest, cancellationToken).ConfigureAwait(false);
                foreach (var p in partitions) plan[p] = found[p] >= 0 ? found[p] : ends[p];
                break;
            default:
                var earliest = await LookupAsync(partitions, OffsetSpec.Earliest, cancellationToken).ConfigureAwait(false);
                var latest = await LookupAsync(partitions, OffsetSpec.Latest, cancellationToken).ConfigureAwait(false);
                foreach (var p in partitions)
                {
                    long target = spec.Kind == OffsetResetKind.ToOffset ? spec.Value
                        : committed.TryGetValue(p, out var current) ? current.Offset + spec.Value
                        : throw new InvalidOperationException($"Cannot shift offset for partition {p} since there is no current committed offset.");
                    plan[p] = Math.Clamp(target, earliest[p], Math.Max(earliest[p], latest[p]));
                }
                break;
        }

        var rows = plan.OrderBy(e => e.Key).Select(e => new OffsetResetRow(e.Key, committed.TryGetValue(e.Key, out var c) ? c.Offset : null, e.Value)).ToList();
        if (request.Execute && rows.Count > 0)
        {
            var results = await AlterConsumerGroupOffsetsAsync(request.GroupId,
                rows.ToDictionary(r => r.Partition, r => new OffsetAndMetadata(r.NewOffset)), cancellationToken).ConfigureAwait(false);
            results.ThrowOnError();
            Log.OffsetsReset(_logger, request.GroupId, rows.Count);
        }
        return rows;
    }

    private async Task<List<TopicPartition>> ScopeAsync(OffsetResetRequest request, IReadOnlyDictionary<TopicPartition, OffsetAndMetadata> committed,
        CancellationToken cancellationToken)
    {
        if (request.Partitions is { } partitions) return [.. partitions.Distinct()];
        if (request.Topics is not { } topics) return [.. committed.Keys];
        var described = await DescribeTopicsAsync(topics, cancellationToken: cancellationToken).ConfigureAwait(false);
        return described.SelectMany(d => d.Value.Partitions.Select(p => new TopicPartition(d.Key, p.Partition))).ToList();
    }

    private async Task<Dictionary<TopicPartition, long>> LookupAsync(List<TopicPartition> partitions, OffsetSpec spec, CancellationToken cancellationToken)
    {
        if (partitions.Count == 0) return [];
        var results = await ListOffsetsAsync(partitions.ToDictionary(p => p, _ => spec), cancellationToken: cancellationToken).ConfigureAwait(false);
        return results.ToDictionary(r => r.Key, r => r.Value.Offset);
    }

    /// <summary>Parses <c>topic,partition,offset</c> rows (or <c>group,topic,partition,offset</c>, keeping this group's rows).</summary>
    internal static Dictionary<TopicPartition, long> ParseCsv(string groupId, string csv)
    {
        var plan = new Dictionary<TopicPartition, long>();
        int line = 0;
        foreach (var raw in csv.Split('\n'))
        {
            line++;
            var text = raw.Trim();
            if (text.Length == 0) continue;
            var cells = text.Split(',');
            if (cells.Length == 4)
            {
                if (cells[0].Trim() != groupId) continue;
                cells = cells[1..];
            }
            if (cells.Length != 3
                || !int.TryParse(cells[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int partition)
                || !long.TryParse(cells[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out long offset))
                throw new FormatException($"Reset CSV line {line} is not 'topic,partition,offset' (or 'group,topic,partition,offset'): '{text}'.");
            plan[new TopicPartition(cells[0].Trim(), partition)] = offset;
        }
        return plan;
    }
}
