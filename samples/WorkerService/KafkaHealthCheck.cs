using Microsoft.Extensions.Diagnostics.HealthChecks;
using Samsa.Consumer;

namespace Samsa.Samples.WorkerService;

/// <summary>Healthy when the cluster answers a watermark query for the worker's topic within five seconds.</summary>
public sealed class KafkaHealthCheck(IKafkaConsumer<string?, string?> consumer, IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            var topic = configuration["Kafka:Topic"] ?? "quickstart";
            var (low, high) = await consumer.QueryWatermarkOffsetsAsync(new TopicPartition(topic, 0), timeout.Token);
            return HealthCheckResult.Healthy($"{topic}-0 holds offsets {low}..{high}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The Kafka cluster did not answer.", e);
        }
    }
}

/// <summary>Writes each health report to the log (a web app would expose it at /health instead).</summary>
public sealed class LoggingHealthPublisher(ILogger<LoggingHealthPublisher> logger) : IHealthCheckPublisher
{
    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries)
            logger.LogInformation("Health {Check}: {Status} ({Description})", name, entry.Status, entry.Description);
        return Task.CompletedTask;
    }
}
