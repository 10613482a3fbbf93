using Samsa.Protocol;

namespace Samsa.Consumer.Groups;

internal sealed partial class ConsumerGroupMember
{
    /// <summary>
    /// Moves the owned partitions to the broker's target: partitions no longer assigned are committed (auto-commit) and
    /// revoked first, then the new ones are added and the assigned callback runs, then the next heartbeat (sent at once)
    /// acknowledges with the owned set, which lets the broker hand revoked partitions to other members. This is the order
    /// of Java's ConsumerMembershipManager. Topic ids the metadata does not know yet stay pending; returns true when some do.
    /// </summary>
    private async Task<bool> ReconcileAsync(List<string> subscribed, CancellationToken token)
    {
        var target = _target!;
        var names = Cluster.Metadata.TopicNamesById;
        if (target.Keys.Any(id => !names.ContainsKey(id)))
        {
            var known = subscribed.Concat(Partitions.Snapshot().Select(tp => tp.Topic)).Distinct(StringComparer.Ordinal).ToList();
            names = (await Cluster.RefreshMetadataAsync(known, token).ConfigureAwait(false)).TopicNamesById;
        }
        var assigned = new HashSet<TopicPartition>();
        bool unresolved = false;
        foreach (var (id, partitions) in target)
        {
            if (!names.TryGetValue(id, out var name))
            {
                unresolved = true;
                continue;
            }
            _topicIds[name] = id;
            foreach (int p in partitions) assigned.Add(new TopicPartition(name, p));
        }
        var owned = Partitions.Snapshot();
        var revoked = owned.Where(tp => !assigned.Contains(tp)).ToList();
        var added = assigned.Where(tp => !Partitions.Contains(tp)).OrderBy(tp => tp.Topic, StringComparer.Ordinal).ThenBy(tp => tp.Partition).ToList();
        if (!unresolved) _target = null;
        if (revoked.Count == 0 && added.Count == 0 && _assignedSinceJoin) return unresolved;
        Log.AssignmentChanged(Logger, GroupId, string.Join(", ", added), string.Join(", ", revoked));
        if (revoked.Count > 0)
        {
            if (Options.EnableAutoCommit) await Partitions.TryCommitAsync(revoked, token).ConfigureAwait(false);
            await Partitions.RevokeAsync(revoked, lost: false).ConfigureAwait(false);
        }
        if (added.Count > 0 || !_assignedSinceJoin) await Partitions.AddAsync(added).ConfigureAwait(false);
        _assignedSinceJoin = true;
        _ackNeeded = revoked.Count > 0 || added.Count > 0;
        Metrics.RecordRebalance(true);
        return unresolved;
    }
}
