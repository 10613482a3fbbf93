using System.Text.RegularExpressions;

namespace Samsa.Consumer.Groups;

/// <summary>
/// What the consumer asks of its group membership, whichever <c>group.protocol</c> drives it:
/// <see cref="ClassicGroup"/> (JoinGroup/SyncGroup) or <see cref="ConsumerGroupMember"/> (KIP-848 ConsumerGroupHeartbeat).
/// </summary>
internal interface IGroupMember : IAsyncDisposable
{
    string MemberId { get; }

    /// <summary>The generation (or member epoch) and member id that commits carry now ((-1, "") outside a generation).</summary>
    (int Generation, string MemberId) CommitIdentity { get; }

    bool IsSubscribed { get; }

    IReadOnlyCollection<string> SubscribedTopics { get; }

    void Subscribe(List<string>? topics, Regex? pattern);

    void Unsubscribe();

    /// <summary>Called at the start of every consume call: notes liveness and surfaces a pending group error once.</summary>
    void OnConsume();

    /// <summary>A consume call waiting for data counts as consuming (the application is not stalled).</summary>
    void SetWaiting(bool waiting);

    /// <summary>Commits as the current member (generation or member epoch).</summary>
    ValueTask CommitAsync(IReadOnlyCollection<TopicPartitionOffset> offsets, CancellationToken cancellationToken);

    /// <summary>Commits (auto-commit), reports revocation and leaves the group.</summary>
    ValueTask CloseAsync(CancellationToken cancellationToken);
}
