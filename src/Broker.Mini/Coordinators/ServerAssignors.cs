namespace Samsa.Broker.Mini.Coordinators;

/// <summary>
/// KIP-848 server-side assignors. <c>range</c>: per topic, the subscribed members sorted by id get contiguous ranges,
/// the first ones one extra partition. <c>uniform</c>: every partition goes to the least-loaded subscribed member,
/// preferring its previous owner on ties, so the result is balanced and moves as few partitions as it can.
/// </summary>
internal static class ServerAssignors
{
    public const string Uniform = "uniform";
    public const string Range = "range";

    /// <summary>Computes the target assignment. <paramref name="topics"/> maps each subscribed, existing topic to (id, partition count).</summary>
    public static Dictionary<string, PartitionSet> Assign(string assignor, IReadOnlyCollection<ConsumerMember> members,
        IReadOnlyDictionary<string, (Uuid Id, int Partitions)> topics, IReadOnlyDictionary<string, PartitionSet> previous)
    {
        var result = members.ToDictionary(m => m.MemberId, _ => new PartitionSet(), StringComparer.Ordinal);
        var sorted = members.OrderBy(m => m.MemberId, StringComparer.Ordinal).ToList();
        if (assignor == Range)
        {
            foreach (var (name, (id, count)) in topics.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                var subscribers = sorted.Where(m => m.SubscribedTopics.Contains(name)).ToList();
                if (subscribers.Count == 0) continue;
                int per = count / subscribers.Count, extra = count % subscribers.Count, next = 0;
                for (int i = 0; i < subscribers.Count; i++)
                {
                    int take = per + (i < extra ? 1 : 0);
                    for (int p = next; p < next + take; p++) result[subscribers[i].MemberId].Add(id, p);
                    next += take;
                }
            }
            return result;
        }
        var owner = new Dictionary<(Uuid, int), string>();
        foreach (var (memberId, set) in previous)
            foreach (var item in set.Items) owner[item] = memberId;
        foreach (var (name, (id, count)) in topics.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var subscribers = sorted.Where(m => m.SubscribedTopics.Contains(name)).ToList();
            if (subscribers.Count == 0) continue;
            for (int p = 0; p < count; p++)
            {
                string? previousOwner = owner.GetValueOrDefault((id, p));
                var chosen = subscribers
                    .OrderBy(m => result[m.MemberId].Total)
                    .ThenBy(m => m.MemberId == previousOwner ? 0 : 1)
                    .First();
                result[chosen.MemberId].Add(id, p);
            }
        }
        return result;
    }
}
