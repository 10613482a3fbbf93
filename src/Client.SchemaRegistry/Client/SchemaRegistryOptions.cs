namespace Samsa.SchemaRegistry.Client;

/// <summary>Settings for <see cref="SchemaRegistryClient"/>. Defaults follow Confluent's client where one exists.</summary>
public sealed class SchemaRegistryOptions
{
    /// <summary>Registry base URLs (<c>schema.registry.url</c>, comma-separated there). Tried in order; a failing URL moves the client to the next. Required.</summary>
    public IList<string> Urls { get; set; } = [];

    /// <summary>Timeout of one HTTP attempt. Default 30 s (<c>schema.registry.request.timeout.ms</c>).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt, on 5xx responses, connection failures and timeouts only. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Backoff before the first retry; doubles per retry. Default 100 ms.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound of the retry backoff. Default 2 s.</summary>
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>HTTP basic authentication user (<c>basic.auth.user.info</c> before the colon). Null disables basic auth.</summary>
    public string? BasicAuthUsername { get; set; }

    /// <summary>HTTP basic authentication password.</summary>
    public string? BasicAuthPassword { get; set; }

    /// <summary>A static bearer token. Mutually exclusive with basic auth.</summary>
    public string? BearerToken { get; set; }

    /// <summary>Supplies a bearer token per request (e.g. an OAuth token cache); wins over <see cref="BearerToken"/>.</summary>
    public Func<CancellationToken, ValueTask<string>>? BearerTokenProvider { get; set; }

    /// <summary>Most schemas (and ids) cached per map before the map is cleared. Default 1000 (<c>schema.registry.max.cached.schemas</c>).</summary>
    public int MaxCachedSchemas { get; set; } = 1000;

    /// <summary>Throws <see cref="ArgumentException"/> when the options are unusable.</summary>
    public void Validate()
    {
        if (Urls.Count == 0)
        {
            throw new ArgumentException("At least one schema registry URL is required.", nameof(Urls));
        }

        foreach (var url in Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"'{url}' is not an http(s) URL.", nameof(Urls));
            }
        }

        if (RequestTimeout <= TimeSpan.Zero || MaxRetries < 0 || RetryBackoff < TimeSpan.Zero || MaxCachedSchemas < 1)
        {
            throw new ArgumentException("RequestTimeout must be positive; MaxRetries, RetryBackoff non-negative; MaxCachedSchemas at least 1.");
        }

        if (BasicAuthUsername is not null && (BearerToken is not null || BearerTokenProvider is not null))
        {
            throw new ArgumentException("Choose basic or bearer authentication, not both.");
        }
    }
}
