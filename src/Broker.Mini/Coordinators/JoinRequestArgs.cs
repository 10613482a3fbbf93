namespace Samsa.Broker.Mini.Coordinators;

/// <summary>What a JoinGroup asks for, independent of the request version.</summary>
internal sealed record JoinRequestArgs(
    string GroupId,
    string MemberId,
    string? InstanceId,
    string ClientId,
    string ClientHost,
    int SessionTimeoutMs,
    int RebalanceTimeoutMs,
    string ProtocolType,
    List<(string Name, byte[] Metadata)> Protocols,
    bool RequireKnownMemberId,
    string? Reason);
