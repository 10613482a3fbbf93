using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Samsa.SchemaRegistry.Client;

public sealed partial class SchemaRegistryClient
{
    private static readonly MediaTypeHeaderValue ContentType = new("application/vnd.schemaregistry.v1+json");
    private readonly SchemaRegistryOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri[] _urls;
    private readonly TimeProvider _time;
    private int _current;

    /// <summary>Creates a client with its own <see cref="HttpClient"/>.</summary>
    public SchemaRegistryClient(SchemaRegistryOptions options)
        : this(options, new HttpClient(), ownsHttpClient: true, TimeProvider.System)
    {
    }

    /// <summary>Creates a client over a caller-supplied message handler (for custom TLS, proxies or tests).</summary>
    public SchemaRegistryClient(SchemaRegistryOptions options, HttpMessageHandler handler, TimeProvider? timeProvider = null)
        : this(options, new HttpClient(handler ?? throw new ArgumentNullException(nameof(handler)), disposeHandler: false), ownsHttpClient: true, timeProvider ?? TimeProvider.System)
    {
    }

    private SchemaRegistryClient(SchemaRegistryOptions options, HttpClient http, bool ownsHttpClient, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _http = http;
        _http.Timeout = Timeout.InfiniteTimeSpan; // per-attempt timeouts are ours
        _ownsHttp = ownsHttpClient;
        _time = time;
        _urls = options.Urls.Select(u => new Uri(u.EndsWith('/') ? u : u + "/")).ToArray();
    }

    /// <summary>The URL requests currently go to first.</summary>
    public Uri CurrentUrl => _urls[Volatile.Read(ref _current) % _urls.Length];

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>
    /// Sends one request, failing over between URLs and retrying on 5xx, connection errors and timeouts with
    /// exponential backoff. 4xx responses throw at once.
    /// </summary>
    private async Task<JsonDocument> SendAsync(HttpMethod method, string relative, JsonObject? body, CancellationToken cancellationToken = default)
    {
        var payload = body?.ToJsonString();
        SchemaRegistryException? last = null;
        for (var attempt = 0; attempt <= _options.MaxRetries; attempt++)
        {
            if (attempt > 0)
            {
                var backoff = TimeSpan.FromTicks(Math.Min(_options.MaxRetryBackoff.Ticks, _options.RetryBackoff.Ticks << Math.Min(attempt - 1, 20)));
                await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
            }

            var index = Volatile.Read(ref _current);
            var baseUrl = _urls[index % _urls.Length];
            try
            {
                return await SendOnceAsync(method, new Uri(baseUrl, relative), payload, cancellationToken).ConfigureAwait(false);
            }
            catch (SchemaRegistryException ex) when (ex.IsRetriable)
            {
                last = ex;
                // Move to the next URL unless another caller already did.
                Interlocked.CompareExchange(ref _current, (index + 1) % _urls.Length, index);
            }
        }

        throw last!;
    }

    private async Task<JsonDocument> SendOnceAsync(HttpMethod method, Uri uri, string? payload, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Accept.ParseAdd("application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json");
        if (payload is not null)
        {
            request.Content = new StringContent(payload, Encoding.UTF8);
            request.Content.Headers.ContentType = ContentType;
        }

        await AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SchemaRegistryException($"{method} {uri} timed out after {_options.RequestTimeout}.", 0, 0, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SchemaRegistryException($"{method} {uri} failed: {ex.Message}", 0, 0, ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return JsonDocument.Parse(text.Length == 0 ? "null" : text);
                }
                catch (JsonException ex)
                {
                    throw new SchemaRegistryException($"{method} {uri}: response is not JSON.", response.StatusCode, 0, ex);
                }
            }

            throw ToException(method, uri, response.StatusCode, text);
        }
    }

    private static SchemaRegistryException ToException(HttpMethod method, Uri uri, HttpStatusCode status, string text)
    {
        var code = (int)status;
        var message = text;
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (doc.RootElement.TryGetProperty("error_code", out var c) && c.TryGetInt32(out var parsed))
                {
                    code = parsed;
                }

                if (doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    message = m.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (e.g. a proxy error page): keep the raw text and the HTTP status as the code.
        }

        return new SchemaRegistryException($"{method} {uri.AbsolutePath} returned {(int)status} (error code {code}): {message}", status, code);
    }

    private async ValueTask AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_options.BasicAuthUsername is { } user)
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + (_options.BasicAuthPassword ?? string.Empty)));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", token);
        }
        else if (_options.BearerTokenProvider is { } provider)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await provider(cancellationToken).ConfigureAwait(false));
        }
        else if (_options.BearerToken is { } bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
    }
}
