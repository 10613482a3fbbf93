using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Samsa.SchemaRegistry.Tests.Client;

/// <summary>An in-test registry: routes requests to a function and records what was asked.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, string?, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    public ConcurrentQueue<(HttpMethod Method, string Url, string? Body, string? Auth)> Requests { get; } = new();

    public static HttpResponseMessage Json(HttpStatusCode status, string json)
        => new(status) { Content = new StringContent(json, Encoding.UTF8, "application/vnd.schemaregistry.v1+json") };

    public static HttpResponseMessage Error(HttpStatusCode status, int code, string message)
        => Json(status, $$"""{"error_code":{{code}},"message":"{{message}}"}""");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue((request.Method, request.RequestUri!.AbsoluteUri, body, request.Headers.Authorization?.ToString()));
        return await respond(request, body).WaitAsync(cancellationToken);
    }
}
