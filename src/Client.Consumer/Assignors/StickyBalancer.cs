namespace Samsa.Consumer.Assignors;

/// <summary>
/// The balancing core of the sticky assignors: keeps every valid previous ownership, gives unowned partitions to the
/// least-loaded eligible member, then moves partitions from the most to the least loaded eligible member until no
/// move can reduce the imbalance. The result is balanced (counts differ by at most one among members that can take
/// a partition) and moves as few partitions as that allows. Deterministic for a given input.
/// </summary>
internal static class StickyBalancer
{
    /// <summary>A member's view for balancing.</summary>
    internal sealed record Member(string Id, IReadOnlySet<string> Topics, IReadOnlyList<TopicPartition> Owned, int Generation, int Order);

    public static Dictionary<string, List<TopicPartition>> Balance(IReadOnlyDictionary<string, int> partitionsPerTopic, IReadOnlyList<Member> members)
    {
        var assignment = members.ToDictionary(m => m.Id, _ => new SortedSet<TopicPartition>(), StringComparer.Ordinal);
        var owner = new Dictionary<TopicPartition, string>();

        // 1. Previous ownership: valid claims only; on conflict the highest generation wins, equal generations void the claim.
        var claims = new Dictionary<TopicPartition, (string Member, int Generation, bool Conflict)>();
        foreach (var m in members.OrderBy(m => m.Order))
        {
            foreach (var tp in m.Owned)
            {
                if (!partitionsPerTopic.TryGetValue(tp.Topic, out int count) || tp.Partition < 0 || tp.Partition >= count || !m.Topics.Contains(tp.Topic)) continue;
                if (!claims.TryGetValue(tp, out var existing) || m.Generation > existing.Generation) claims[tp] = (m.Id, m.Generation, false);
                else if (m.Generation == existing.Generation && existing.Member != m.Id) claims[tp] = existing with { Conflict = true };
            }
        }
        foreach (var (tp, claim) in claims)
        {
            if (claim.Conflict) continue;
            assignment[claim.Member].Add(tp);
            owner[tp] = claim.Member;
        }

        // 2. Unowned partitions go to the least-loaded eligible member.
        foreach (var topic in partitionsPerTopic.Keys.Order(StringComparer.Ordinal))
        {
            var eligible = members.Where(m => m.Topics.Contains(topic)).ToList();
            if (eligible.Count == 0) continue;
            for (int p = 0; p < partitionsPerTopic[topic]; p++)
            {
                var tp = new TopicPartition(topic, p);
                if (owner.ContainsKey(tp)) continue;
                var target = eligible.OrderBy(m => assignment[m.Id].Count).ThenBy(m => m.Order).First();
                assignment[target.Id].Add(tp);
                owner[tp] = target.Id;
            }
        }

        // 3. Move partitions from heavier to lighter eligible members while that reduces imbalance.
        bool moved = true;
        while (moved)
        {
            moved = false;
            foreach (var heavy in members.OrderByDescending(m => assignment[m.Id].Count).ThenBy(m => m.Order))
            {
                foreach (var tp in assignment[heavy.Id].Reverse())
                {
                    var light = members
                        .Where(m => m.Topics.Contains(tp.Topic) && assignment[m.Id].Count < assignment[heavy.Id].Count - 1)
                        .OrderBy(m => assignment[m.Id].Count).ThenBy(m => m.Order)
                        .FirstOrDefault();
                    if (light is null) continue;
                    assignment[heavy.Id].Remove(tp);
                    assignment[light.Id].Add(tp);
                    moved = true;
                    break;
                }
                if (moved) break;
            }
        }
        return assignment.ToDictionary(kv => kv.Key, kv => kv.Value.ToList(), StringComparer.Ordinal);
    }
}
