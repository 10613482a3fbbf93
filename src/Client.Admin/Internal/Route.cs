using Samsa.Client;
using Samsa.Protocol;

namespace Samsa.Admin.Internal;

/// <summary>Where an admin request for one item goes.</summary>
internal enum RouteKind
{
    /// <summary>The least-loaded broker.</summary>
    Any,
    /// <summary>The controller from metadata (re-resolved after NOT_CONTROLLER).</summary>
    Controller,
    /// <summary>A specific broker (broker configs, log dirs).</summary>
    Node,
    /// <summary>The leader of a partition.</summary>
    Leader,
    /// <summary>The group or transaction coordinator of a key.</summary>
    Coordinator,
}

/// <summary>A routing strategy for one item; the driver groups items by the broker their routes resolve to.</summary>
internal readonly record struct Route(RouteKind Kind, int NodeId = -1, string? Topic = null, int Partition = -1,
    CoordinatorType Coordinator = default, string? Key = null)
{
    public static Route Any => new(RouteKind.Any);

    public static Route Controller => new(RouteKind.Controller);

    public static Route ToNode(int nodeId) => new(RouteKind.Node, nodeId);

    public static Route LeaderOf(string topic, int partition) => new(RouteKind.Leader, Topic: topic, Partition: partition);

    public static Route CoordinatorOf(CoordinatorType type, string key) => new(RouteKind.Coordinator, Coordinator: type, Key: key);
}

/// <summary>What a response said about one item: a value, or an error (retried by the driver when it is a routing error).</summary>
internal readonly record struct Outcome<T>(T? Value, AdminError? Error)
{
    public static Outcome<T> Ok(T value) => new(value, null);

    public static Outcome<T> Fail(ErrorCode code, string? message = null) => new(default, AdminError.Of(code, message));

    public static Outcome<T> Fail(short code, string? message = null) => Fail((ErrorCode)code, message);

    /// <summary>Success when <paramref name="code"/> is NONE, else the error.</summary>
    public static Outcome<T> From(short code, string? message, T value) =>
        code == 0 ? Ok(value) : Fail(code, message);
}
