using System.Text.RegularExpressions;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>ApiVersions (18): the APIs and version ranges this broker serves.</summary>
internal sealed partial class ApiVersionsHandler(Func<IEnumerable<IRequestHandler>> handlers) : RequestHandler<ApiVersionsRequest>
{
    public override ApiKey Key => ApiKey.ApiVersions;

    /// <summary>Kafka's answer to an ApiVersions version it does not know: v0 with UNSUPPORTED_VERSION and the list.</summary>
    public static ApiVersionsResponse Unsupported(IEnumerable<IRequestHandler> handlers) =>
        new() { ErrorCode = (short)ErrorCode.UnsupportedVersion, ApiKeys = List(handlers) };

    protected override IKafkaApiMessage? Handle(RequestContext context, ApiVersionsRequest request)
    {
        var response = new ApiVersionsResponse { ApiKeys = List(handlers()) };
        if (context.Version >= 3 && (!SoftwareName().IsMatch(request.ClientSoftwareName) || !SoftwareName().IsMatch(request.ClientSoftwareVersion)))
            response.ErrorCode = (short)ErrorCode.InvalidRequest;
        return response;
    }

    private static List<ApiVersionsResponse.ApiVersion> List(IEnumerable<IRequestHandler> handlers) =>
        handlers.OrderBy(h => (short)h.Key)
            .Select(h => new ApiVersionsResponse.ApiVersion { ApiKey = (short)h.Key, MinVersion = h.MinVersion, MaxVersion = h.MaxVersion })
            .ToList();

    [GeneratedRegex("^[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?$")]
    private static partial Regex SoftwareName();
}
