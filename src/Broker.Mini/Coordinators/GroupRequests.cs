using Samsa.Broker.Mini.Handlers;

namespace Samsa.Broker.Mini.Coordinators;

/// <summary>Small helpers the group handlers share.</summary>
internal static class GroupRequests
{
    /// <summary>The client host Kafka reports for a member. Handlers do not see peer addresses, so this is the broker host (clients of Broker.Mini are local).</summary>
    public static string ClientHost(RequestContext context) => $"/{context.Broker.Host}";
}
