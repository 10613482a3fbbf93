namespace Samsa.Admin;

/// <summary>Resource kinds ACLs apply to (Kafka's <c>ResourceType</c> codes).</summary>
public enum ResourceType : sbyte
{
    /// <summary>Unknown.</summary>
    Unknown = 0,
    /// <summary>Filter: any type.</summary>
    Any = 1,
    /// <summary>A topic.</summary>
    Topic = 2,
    /// <summary>A group.</summary>
    Group = 3,
    /// <summary>The cluster.</summary>
    Cluster = 4,
    /// <summary>A transactional id.</summary>
    TransactionalId = 5,
    /// <summary>A delegation token.</summary>
    DelegationToken = 6,
    /// <summary>A user.</summary>
    User = 7,
}

/// <summary>How an ACL's resource name matches.</summary>
public enum PatternType : sbyte
{
    /// <summary>Unknown.</summary>
    Unknown = 0,
    /// <summary>Filter: any pattern type.</summary>
    Any = 1,
    /// <summary>Filter: literal and prefixed patterns that match the name.</summary>
    Match = 2,
    /// <summary>The exact name (or <c>*</c>).</summary>
    Literal = 3,
    /// <summary>Names starting with it.</summary>
    Prefixed = 4,
}

/// <summary>Allow or deny.</summary>
public enum AclPermissionType : sbyte
{
    /// <summary>Unknown.</summary>
    Unknown = 0,
    /// <summary>Filter: any.</summary>
    Any = 1,
    /// <summary>Deny.</summary>
    Deny = 2,
    /// <summary>Allow.</summary>
    Allow = 3,
}

/// <summary>An ACL: who may (or may not) do what, from where, on which resources.</summary>
public sealed record AclBinding(ResourceType ResourceType, string ResourceName, PatternType PatternType, string Principal, string Host,
    AclOperation Operation, AclPermissionType Permission);

/// <summary>A pattern over ACLs; null strings and the <c>Any</c> values match everything.</summary>
public sealed record AclBindingFilter(ResourceType ResourceType = ResourceType.Any, string? ResourceName = null, PatternType PatternType = PatternType.Any,
    string? Principal = null, string? Host = null, AclOperation Operation = AclOperation.Any, AclPermissionType Permission = AclPermissionType.Any)
{
    /// <summary>Matches every ACL.</summary>
    public static AclBindingFilter All => new();
}

/// <summary>SCRAM mechanisms.</summary>
public enum ScramMechanism : sbyte
{
    /// <summary>Unknown.</summary>
    Unknown = 0,
    /// <summary>SCRAM-SHA-256.</summary>
    ScramSha256 = 1,
    /// <summary>SCRAM-SHA-512.</summary>
    ScramSha512 = 2,
}

/// <summary>A user's SCRAM credential (the broker never returns secrets).</summary>
public sealed record ScramCredentialInfo(ScramMechanism Mechanism, int Iterations);

/// <summary>A SCRAM credential change: an upsertion (with <see cref="Password"/>) or a deletion (without).</summary>
/// <param name="User">User name.</param>
/// <param name="Mechanism">Mechanism.</param>
/// <param name="Iterations">Iterations (4096 minimum for upsertions, as Kafka requires).</param>
/// <param name="Password">New password, or null to delete the credential.</param>
public sealed record ScramCredentialAlteration(string User, ScramMechanism Mechanism, int Iterations = 4096, string? Password = null)
{
    /// <summary>Salt for an upsertion; random when null.</summary>
    public byte[]? Salt { get; init; }
}

/// <summary>
/// A quota entity: entity types (<c>user</c>, <c>client-id</c>, <c>ip</c>) to names (null = the default entity).
/// Equal when the same types map to the same names.
/// </summary>
public sealed class ClientQuotaEntity : IEquatable<ClientQuotaEntity>
{
    private readonly SortedDictionary<string, string?> _entries;

    /// <summary>Creates an entity.</summary>
    public ClientQuotaEntity(IReadOnlyDictionary<string, string?> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = new SortedDictionary<string, string?>(entries.ToDictionary(e => e.Key, e => e.Value), StringComparer.Ordinal);
    }

    /// <summary>Entity types to names.</summary>
    public IReadOnlyDictionary<string, string?> Entries => _entries;

    /// <inheritdoc />
    public bool Equals(ClientQuotaEntity? other) => other is not null && ToString() == other.ToString();

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ClientQuotaEntity);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    /// <inheritdoc />
    public override string ToString() => string.Join(',', _entries.Select(e => $"{e.Key}={e.Value ?? "<default>"}"));
}

/// <summary>Quota changes for one entity: values to set, or null to remove.</summary>
public sealed record ClientQuotaAlteration(ClientQuotaEntity Entity, IReadOnlyDictionary<string, double?> Ops);

/// <summary>How a quota filter component matches.</summary>
public enum QuotaMatchType : sbyte
{
    /// <summary>The exact name.</summary>
    Exact = 0,
    /// <summary>The default entity.</summary>
    Default = 1,
    /// <summary>Any entity of the type.</summary>
    Any = 2,
}

/// <summary>One component of a quota filter.</summary>
public sealed record QuotaFilterComponent(string EntityType, QuotaMatchType Match, string? Name = null);
