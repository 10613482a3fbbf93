using Microsoft.Extensions.Logging;
using Samsa.Client;
using Samsa.Client.Connections;

namespace Samsa.Admin;

/// <summary>Builds an <see cref="AdminClient"/> without dependency injection.</summary>
public sealed class AdminClientBuilder
{
    private readonly AdminOptions _options;
    private ILoggerFactory? _loggerFactory;
    private TimeProvider? _timeProvider;
    private IKafkaTransport? _transport;

    /// <summary>Starts from options (validated by <see cref="Build"/>).</summary>
    public AdminClientBuilder(AdminOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>Starts from Kafka-style keys (<c>bootstrap.servers</c>, <c>default.api.timeout.ms</c>…); unknown keys are ignored, as Kafka warns and ignores them.</summary>
    public AdminClientBuilder(IEnumerable<KeyValuePair<string, string?>> config)
        : this(new AdminOptions())
    {
        KafkaConfigBinder.Bind(_options, config);
    }

    /// <summary>Uses <paramref name="loggerFactory"/> for logging.</summary>
    public AdminClientBuilder WithLogging(ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory;
        return this;
    }

    /// <summary>Uses <paramref name="timeProvider"/> as the clock.</summary>
    public AdminClientBuilder WithTimeProvider(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        return this;
    }

    /// <summary>Uses <paramref name="transport"/> instead of TCP (for example Broker.Mini's in-memory transport).</summary>
    public AdminClientBuilder WithTransport(IKafkaTransport transport)
    {
        _transport = transport;
        return this;
    }

    /// <summary>Validates the options and creates the client.</summary>
    public AdminClient Build() => new(_options, _loggerFactory, _timeProvider, _transport);
}
